/** Configuration: the schema with its defaults, the loader, redaction for printing, secrets. */
export { loadConfig } from './load-config.js';
export type { LoadConfigOptions } from './load-config.js';
export { redactConfig } from './redact-config.js';
export {
  DEFAULT_BODY_LIMIT_BYTES,
  DEFAULT_HOST,
  DEFAULT_LOG_LEVEL,
  DEFAULT_PORT,
  DEFAULT_SHUTDOWN_GRACE_MS,
  DEFAULT_SSE_HEARTBEAT_MS,
  LOG_LEVELS,
  STORE_KINDS,
} from './schema.js';
// Defaults that components also export under the same names (store TTL, response cap, webhook
// budget, run capacity) stay in schema.ts so the package root has one of each.
export type {
  EngineConfig,
  ExecutorConfig,
  LogLevel,
  SecretsConfig,
  ServerConfig,
  StorageConfig,
  StoreKind,
  WebhooksConfig,
} from './schema.js';
export { CONFIG_SETTINGS } from './settings.js';
export type { ConfigFlagName, SettingInfo } from './settings.js';
export type { ConfigFlags, ConfigProblem } from './setting-reader.js';
export { SECRET_ENV_PREFIX, secretsFromEnv, secretsFromFile } from './secrets.js';
