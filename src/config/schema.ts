/**
 * The service's configuration: one typed shape for server, storage, executor, webhooks, limits
 * and secrets, with every default beside it. {@link loadConfig} fills it from the environment and
 * command-line flags; components receive their slice.
 */
import type { ValidationLimits } from '../core/payload/index.js';

/** Where runs are kept (SPEC 6). */
export type StoreKind = 'memory' | 'redis' | 'upstash';
export const STORE_KINDS: readonly StoreKind[] = Object.freeze(['memory', 'redis', 'upstash']);

/** pino levels; `silent` logs nothing. */
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
export const LOG_LEVELS: readonly LogLevel[] = Object.freeze([
  'fatal',
  'error',
  'warn',
  'info',
  'debug',
  'trace',
  'silent',
]);

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 8000;
/** 5 MiB (SPEC 1.2). */
export const DEFAULT_BODY_LIMIT_BYTES = 5 * 1024 * 1024;
export const DEFAULT_MAX_CONCURRENT_RUNS = 200;
export const DEFAULT_SHUTDOWN_GRACE_MS = 30_000;
export const DEFAULT_SSE_HEARTBEAT_MS = 15_000;
export const DEFAULT_LOG_LEVEL: LogLevel = 'info';
/** Used when the store is `redis` and `REDIS_URL` is not set. */
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
/** The original system's one hour (SPEC 6). */
export const DEFAULT_STORE_TTL_SECONDS = 3_600;
export const DEFAULT_STORE_KEY_PREFIX = 'wfe';
/** 10 MiB (SPEC 3.5). */
export const DEFAULT_MAX_RESPONSE_BYTES = 10 * 1024 * 1024;
/** SPEC 5. */
export const DEFAULT_WEBHOOK_FLUSH_BUDGET_MS = 2_000;
/** SPEC 5: the first attempt and four retries. */
export const DEFAULT_WEBHOOK_MAX_ATTEMPTS = 5;

/** The HTTP service. */
export interface ServerConfig {
  /** Interface to listen on. @defaultValue `127.0.0.1` */
  readonly host: string;
  /** TCP port; 0 picks a free one. @defaultValue 8000 */
  readonly port: number;
  /** Largest request body, in bytes; larger ones get 413 before parsing. @defaultValue 5 MiB */
  readonly bodyLimitBytes: number;
  /** Bearer token required on `/api/*` and `/execute`; null leaves them open. @defaultValue null */
  readonly apiToken: string | null;
  /** Runs in flight at once; more get 503. @defaultValue 200 */
  readonly maxConcurrentRuns: number;
  /** How long runs in flight may finish at shutdown before they are cancelled, in ms. @defaultValue 30000 */
  readonly shutdownGraceMs: number;
  /** Interval of keep-alive comments on event streams, in ms. @defaultValue 15000 */
  readonly sseHeartbeatMs: number;
  /** @defaultValue `info` */
  readonly logLevel: LogLevel;
  /** Human-readable logs instead of JSON lines. @defaultValue true when stdout is a terminal */
  readonly prettyLogs: boolean;
}

/** The run store (SPEC 6). */
export interface StorageConfig {
  /** @defaultValue `upstash` when both Upstash settings are set, else `redis` when `REDIS_URL` is, else `memory` */
  readonly kind: StoreKind;
  /** `redis://` or `rediss://` URL. @defaultValue `redis://127.0.0.1:6379` */
  readonly redisUrl: string;
  /** Upstash REST endpoint (http or https); required for `upstash`. */
  readonly upstashRestUrl: string | null;
  /** Upstash REST token; required for `upstash`. */
  readonly upstashRestToken: string | null;
  /** How long a run is kept after its last write, in seconds. @defaultValue 3600 */
  readonly ttlSeconds: number;
  /** First segment of every key. @defaultValue `wfe` */
  readonly keyPrefix: string;
}

/** Outbound step requests. */
export interface ExecutorConfig {
  /** Larger response bodies fail the step, in bytes. @defaultValue 10 MiB */
  readonly maxResponseBytes: number;
}

/** Progress webhooks (SPEC 5). */
export interface WebhooksConfig {
  /** Longest wait of a synchronous response for its terminal webhook, in ms. @defaultValue 2000 */
  readonly flushBudgetMs: number;
  /** Attempts per event, the first included. @defaultValue 5 */
  readonly maxAttempts: number;
}

/** Values of `{{secrets.NAME}}` (SPEC 3.6). */
export interface SecretsConfig {
  /** By NAME: `WFE_SECRET_NAME` variables, then the secrets file (the file wins). */
  readonly values: Readonly<Record<string, string>>;
  /** The secrets file read at start, if any. */
  readonly file: string | null;
}

/** The fully resolved, frozen configuration {@link loadConfig} returns. */
export interface EngineConfig {
  readonly server: ServerConfig;
  readonly storage: StorageConfig;
  readonly executor: ExecutorConfig;
  readonly webhooks: WebhooksConfig;
  /** Payload bounds (SPEC 1.2). @defaultValue DEFAULT_VALIDATION_LIMITS */
  readonly limits: Readonly<ValidationLimits>;
  readonly secrets: SecretsConfig;
}
