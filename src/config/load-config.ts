/**
 * Resolves the configuration: defaults < environment < command-line flags. The only code besides
 * `secrets.ts` that reads the environment or files.
 */
import { ConfigError } from '../core/errors.js';
import { DEFAULT_VALIDATION_LIMITS, type ValidationLimits } from '../core/payload/index.js';
import {
  DEFAULT_BODY_LIMIT_BYTES,
  DEFAULT_HOST,
  DEFAULT_LOG_LEVEL,
  DEFAULT_MAX_CONCURRENT_RUNS,
  DEFAULT_MAX_RESPONSE_BYTES,
  DEFAULT_PORT,
  DEFAULT_REDIS_URL,
  DEFAULT_SHUTDOWN_GRACE_MS,
  DEFAULT_SSE_HEARTBEAT_MS,
  DEFAULT_STORE_KEY_PREFIX,
  DEFAULT_STORE_TTL_SECONDS,
  DEFAULT_WEBHOOK_FLUSH_BUDGET_MS,
  DEFAULT_WEBHOOK_MAX_ATTEMPTS,
  LOG_LEVELS,
  STORE_KINDS,
  type EngineConfig,
  type SecretsConfig,
  type StorageConfig,
  type StoreKind,
} from './schema.js';
import { secretsFromEnv, secretsFromFile } from './secrets.js';
import { SettingReader, type ConfigFlags, type ConfigProblem } from './setting-reader.js';

/** Where {@link loadConfig} reads from; every field is optional. */
export interface LoadConfigOptions {
  /** Environment variables. @defaultValue process.env */
  env?: Readonly<Record<string, string | undefined>>;
  /** Command-line flags; they win over the environment. */
  flags?: ConfigFlags;
  /** Whether stdout is a terminal (pretty logs by default). @defaultValue process.stdout.isTTY */
  isTty?: boolean;
}

const DAY_MS = 86_400_000;
const GIB = 1024 * 1024 * 1024;

/**
 * Builds the frozen, fully resolved configuration.
 *
 * @throws ConfigError listing every invalid setting (by its variable or flag name) in the message
 *   and as `details.problems`.
 * @example
 * const config = loadConfig({ flags: { port: '8080' } });
 */
export function loadConfig(options: LoadConfigOptions = {}): EngineConfig {
  const env = options.env ?? process.env;
  const reader = new SettingReader(env, options.flags ?? {});
  const isTty = options.isTty ?? process.stdout.isTTY === true;

  const server = Object.freeze({
    host: reader.string('server.host', DEFAULT_HOST),
    port: reader.integer('server.port', DEFAULT_PORT, 0, 65_535),
    bodyLimitBytes: reader.integer('server.bodyLimitBytes', DEFAULT_BODY_LIMIT_BYTES, 1, GIB),
    apiToken: reader.optionalString('server.apiToken'),
    maxConcurrentRuns: reader.integer('server.maxConcurrentRuns', DEFAULT_MAX_CONCURRENT_RUNS, 1),
    shutdownGraceMs: reader.integer('server.shutdownGraceMs', DEFAULT_SHUTDOWN_GRACE_MS, 0, DAY_MS),
    sseHeartbeatMs: reader.integer('server.sseHeartbeatMs', DEFAULT_SSE_HEARTBEAT_MS, 10, DAY_MS),
    logLevel: reader.oneOf('server.logLevel', LOG_LEVELS, DEFAULT_LOG_LEVEL),
    prettyLogs: reader.boolean('server.prettyLogs', isTty),
  });
  const storage = readStorage(reader);
  const executor = Object.freeze({
    maxResponseBytes: reader.integer(
      'executor.maxResponseBytes',
      DEFAULT_MAX_RESPONSE_BYTES,
      1,
      GIB,
    ),
  });
  const webhooks = Object.freeze({
    flushBudgetMs: reader.integer(
      'webhooks.flushBudgetMs',
      DEFAULT_WEBHOOK_FLUSH_BUDGET_MS,
      0,
      DAY_MS,
    ),
    maxAttempts: reader.integer('webhooks.maxAttempts', DEFAULT_WEBHOOK_MAX_ATTEMPTS, 1, 100),
  });
  const limits = readLimits(reader);
  const secrets = readSecrets(reader, env);

  if (reader.problems.length > 0) throw configError(reader.problems);
  return Object.freeze({ server, storage, executor, webhooks, limits, secrets });
}

/**
 * The store: `--store`/`WFE_STORE` when given; else `upstash` when both Upstash settings are set;
 * else `redis` when `REDIS_URL` is set; else `memory`.
 */
function readStorage(reader: SettingReader): StorageConfig {
  const upstashRestUrl = reader.url('storage.upstashRestUrl', ['https:', 'http:'], null);
  const upstashRestToken = reader.optionalString('storage.upstashRestToken');
  const redisUrl =
    reader.url('storage.redisUrl', ['redis:', 'rediss:'], DEFAULT_REDIS_URL) ?? DEFAULT_REDIS_URL;
  const urlGiven = reader.isSet('storage.upstashRestUrl');
  const tokenGiven = upstashRestToken !== null;
  let kind: StoreKind;
  if (reader.isSet('storage.kind')) kind = reader.oneOf('storage.kind', STORE_KINDS, 'memory');
  else if (urlGiven && tokenGiven) kind = 'upstash';
  else if (urlGiven !== tokenGiven) {
    // Half an Upstash configuration is a mistake, not a request for another store.
    reader.reportMissing(
      'storage.kind',
      'UPSTASH_REST_URL, UPSTASH_REST_TOKEN',
      `both must be set to use the upstash store, got only ${urlGiven ? 'UPSTASH_REST_URL' : 'UPSTASH_REST_TOKEN'}`,
    );
    kind = 'memory';
  } else kind = reader.isSet('storage.redisUrl') ? 'redis' : 'memory';
  if (kind === 'upstash') {
    if (!urlGiven)
      reader.reportMissing(
        'storage.upstashRestUrl',
        'UPSTASH_REST_URL',
        'required by the upstash store, got nothing',
      );
    if (!tokenGiven)
      reader.reportMissing(
        'storage.upstashRestToken',
        'UPSTASH_REST_TOKEN',
        'required by the upstash store, got nothing',
      );
  }
  return Object.freeze({
    kind,
    redisUrl,
    upstashRestUrl,
    upstashRestToken,
    ttlSeconds: reader.integer('storage.ttlSeconds', DEFAULT_STORE_TTL_SECONDS, 1),
    keyPrefix: reader.string('storage.keyPrefix', DEFAULT_STORE_KEY_PREFIX),
  });
}

function readLimits(reader: SettingReader): Readonly<ValidationLimits> {
  const fallback = DEFAULT_VALIDATION_LIMITS;
  return Object.freeze({
    maxSteps: reader.integer('limits.maxSteps', fallback.maxSteps, 1),
    maxDependenciesPerStep: reader.integer(
      'limits.maxDependenciesPerStep',
      fallback.maxDependenciesPerStep,
      1,
    ),
    maxTemplateLength: reader.integer('limits.maxTemplateLength', fallback.maxTemplateLength, 1),
    maxRetries: reader.integer('limits.maxRetries', fallback.maxRetries, 0),
    maxDurationSeconds: reader.integer('limits.maxDurationSeconds', fallback.maxDurationSeconds, 1),
    maxParallelSteps: reader.integer('limits.maxParallelSteps', fallback.maxParallelSteps, 1),
  });
}

function readSecrets(
  reader: SettingReader,
  env: Readonly<Record<string, string | undefined>>,
): SecretsConfig {
  const file = reader.optionalString('secrets.file');
  const values: Record<string, string> = secretsFromEnv(env);
  if (file !== null) {
    try {
      Object.assign(values, secretsFromFile(file));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      reader.reportMissing('secrets.file', 'WFE_SECRETS_FILE / --secrets-file', message);
    }
  }
  return Object.freeze({ values: Object.freeze(values), file });
}

function configError(problems: ConfigProblem[]): ConfigError {
  const lines = problems.map((problem) => problem.message);
  return new ConfigError(
    `Invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}): ${lines.join('; ')}`,
    {
      details: { problems },
    },
  );
}
