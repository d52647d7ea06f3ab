/**
 * Every configurable setting: its key in {@link EngineConfig}, its environment variable, its
 * command-line flag, its default and its meaning. The loader reads settings by key from this
 * table and docs/config.md lists the same rows.
 */

/** Flags of `workflow-engine serve`, as commander names them. */
export type ConfigFlagName = 'host' | 'port' | 'store' | 'secretsFile' | 'logLevel';

/** One row of the configuration table. */
export interface SettingInfo {
  /** Dotted path in the resolved configuration, e.g. `server.port`. */
  readonly key: string;
  /** Environment variable read for it. */
  readonly env: string;
  /** Command-line flag that overrides the environment, if any. */
  readonly flag: ConfigFlagName | null;
  /** The default, as text. */
  readonly defaultText: string;
  readonly description: string;
  /** Its value is never printed. */
  readonly secret: boolean;
}

const row = (
  key: string,
  env: string,
  flag: ConfigFlagName | null,
  defaultText: string,
  description: string,
  secret = false,
): SettingInfo => Object.freeze({ key, env, flag, defaultText, description, secret });

/** The configuration table; order is the documentation's. */
export const CONFIG_SETTINGS: readonly SettingInfo[] = Object.freeze([
  row('server.host', 'WFE_HOST', 'host', '127.0.0.1', 'Interface the HTTP service listens on.'),
  row('server.port', 'WFE_PORT', 'port', '8000', 'TCP port; 0 picks a free one.'),
  row(
    'server.bodyLimitBytes',
    'WFE_BODY_LIMIT_BYTES',
    null,
    '5242880 (5 MiB)',
    'Largest request body in bytes; larger ones get 413 before parsing.',
  ),
  row(
    'server.apiToken',
    'ENGINE_API_TOKEN',
    null,
    'unset',
    'Bearer token required on /api/* and /execute; unset or empty leaves them open.',
    true,
  ),
  row(
    'server.maxConcurrentRuns',
    'WFE_MAX_CONCURRENT_RUNS',
    null,
    '200',
    'Runs in flight at once; more get 503 with Retry-After.',
  ),
  row(
    'server.shutdownGraceMs',
    'WFE_SHUTDOWN_GRACE_MS',
    null,
    '30000',
    'At shutdown, how long runs in flight may finish (ms) before they are cancelled.',
  ),
  row(
    'server.sseHeartbeatMs',
    'WFE_SSE_HEARTBEAT_MS',
    null,
    '15000',
    'Interval of keep-alive comments on event streams (ms).',
  ),
  row(
    'server.logLevel',
    'WFE_LOG_LEVEL',
    'logLevel',
    'info',
    'fatal, error, warn, info, debug, trace or silent.',
  ),
  row(
    'server.prettyLogs',
    'WFE_LOG_PRETTY',
    null,
    'true when stdout is a terminal',
    'Human-readable logs instead of JSON lines (true/false).',
  ),
  row(
    'storage.kind',
    'WFE_STORE',
    'store',
    'see "Choosing the store"',
    'memory, redis or upstash.',
  ),
  row(
    'storage.redisUrl',
    'REDIS_URL',
    null,
    'redis://127.0.0.1:6379',
    'Redis server (redis:// or rediss://) for the redis store.',
    true,
  ),
  row(
    'storage.upstashRestUrl',
    'UPSTASH_REST_URL',
    null,
    'unset',
    'Upstash REST endpoint for the upstash store.',
  ),
  row(
    'storage.upstashRestToken',
    'UPSTASH_REST_TOKEN',
    null,
    'unset',
    'Upstash REST token for the upstash store.',
    true,
  ),
  row(
    'storage.ttlSeconds',
    'WFE_STORE_TTL_SECONDS',
    null,
    '3600',
    'How long a run is kept after its last write (s).',
  ),
  row(
    'storage.keyPrefix',
    'WFE_STORE_KEY_PREFIX',
    null,
    'wfe',
    'First segment of every Redis/Upstash key.',
  ),
  row(
    'executor.maxResponseBytes',
    'WFE_MAX_RESPONSE_BYTES',
    null,
    '10485760 (10 MiB)',
    'Larger step responses fail the step.',
  ),
  row(
    'webhooks.flushBudgetMs',
    'WFE_WEBHOOK_FLUSH_BUDGET_MS',
    null,
    '2000',
    'Longest wait of a synchronous response for its terminal webhook (ms).',
  ),
  row(
    'webhooks.maxAttempts',
    'WFE_WEBHOOK_MAX_ATTEMPTS',
    null,
    '5',
    'Attempts per webhook event, the first included.',
  ),
  row('limits.maxSteps', 'WFE_LIMIT_MAX_STEPS', null, '10000', 'Most steps in one payload.'),
  row(
    'limits.maxDependenciesPerStep',
    'WFE_LIMIT_MAX_DEPENDENCIES_PER_STEP',
    null,
    '1000',
    'Most dependencies of one step.',
  ),
  row(
    'limits.maxTemplateLength',
    'WFE_LIMIT_MAX_TEMPLATE_LENGTH',
    null,
    '100000',
    'Longest templated string (characters).',
  ),
  row('limits.maxRetries', 'WFE_LIMIT_MAX_RETRIES', null, '20', 'Highest max_retries of a step.'),
  row(
    'limits.maxDurationSeconds',
    'WFE_LIMIT_MAX_DURATION_SECONDS',
    null,
    '86400',
    'Longest time setting of a payload (s).',
  ),
  row(
    'limits.maxParallelSteps',
    'WFE_LIMIT_MAX_PARALLEL_STEPS',
    null,
    '1000',
    'Highest max_parallel_steps.',
  ),
  row(
    'secrets.file',
    'WFE_SECRETS_FILE',
    'secretsFile',
    'unset',
    'JSON file of { "NAME": "value" } secrets; wins over WFE_SECRET_* variables.',
  ),
]);

/** The row of `key`. @throws Error for a key missing from the table (a defect). */
export function settingInfo(key: string): SettingInfo {
  const info = CONFIG_SETTINGS.find((setting) => setting.key === key);
  if (info === undefined) throw new Error(`configuration setting ${key} is not in CONFIG_SETTINGS`);
  return info;
}
