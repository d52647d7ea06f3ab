import { Redis } from 'ioredis';
import { ConfigError } from '../../../core/errors.js';
import {
  DEFAULT_KEY_PREFIX,
  DEFAULT_RUN_TTL_SECONDS,
  DEFAULT_STORE_COMMAND_TIMEOUT_MS,
  nonEmptyString,
  positiveInteger,
} from '../common/index.js';
import { KeyValueRunStore } from '../key-value/index.js';
import { IoredisDriver } from './ioredis-driver.js';

/** Where `RedisRunStore` connects when given neither `url` nor `client`. */
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/** Longest pause between two reconnection attempts, in ms. */
const MAX_RECONNECT_DELAY_MS = 1_000;

/** Options of {@link RedisRunStore}. */
export interface RedisRunStoreOptions {
  /** `redis://[[user]:password@]host[:port][/db]` or `rediss://...` (TLS). @defaultValue `redis://127.0.0.1:6379` */
  url?: string;
  /**
   * A client to use instead of connecting to `url`; its own options (timeouts, retries) apply
   * and `close()` leaves it open.
   */
  client?: Redis;
  /** First segment of every key. @defaultValue `wfe` */
  keyPrefix?: string;
  /** Seconds a run is kept after its last write. @defaultValue 3600 */
  ttlSeconds?: number;
  /**
   * Longest wait for one command, in ms, including the time spent waiting for a lost connection
   * to come back; also the connect timeout. @defaultValue 5000
   */
  commandTimeoutMs?: number;
}

/**
 * The `redis` store (SPEC 6): any Redis 6+ over TCP through ioredis. The connection is
 * re-established after Redis restarts; while it is down, each command waits at most about two
 * reconnection attempts (and never longer than `commandTimeoutMs`), then the call rejects with a
 * `StorageError` such as `redis store: write failed for run 01J...: connect ECONNREFUSED
 * 127.0.0.1:6379`. Redis Cluster is not supported: a write spans per-run and index keys.
 *
 * @example
 * ```ts
 * const store = new RedisRunStore({ url: process.env.REDIS_URL, ttlSeconds: 3600 });
 * await store.ping();
 * ```
 * @throws ConfigError when an option is invalid.
 */
export class RedisRunStore extends KeyValueRunStore {
  constructor(options: RedisRunStoreOptions = {}) {
    const commandTimeoutMs = positiveInteger(
      'redis',
      'commandTimeoutMs',
      options.commandTimeoutMs,
      DEFAULT_STORE_COMMAND_TIMEOUT_MS,
    );
    const keyPrefix = nonEmptyString('redis', 'keyPrefix', options.keyPrefix, DEFAULT_KEY_PREFIX);
    const ttlSeconds = positiveInteger(
      'redis',
      'ttlSeconds',
      options.ttlSeconds,
      DEFAULT_RUN_TTL_SECONDS,
    );
    const client = options.client ?? connect(options.url ?? DEFAULT_REDIS_URL, commandTimeoutMs);
    super(new IoredisDriver(client, options.client === undefined, commandTimeoutMs), {
      keyPrefix,
      ttlSeconds,
    });
  }
}

function connect(url: string, commandTimeoutMs: number): Redis {
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    protocol = '';
  }
  if (protocol !== 'redis:' && protocol !== 'rediss:') {
    throw new ConfigError(
      `redis store: url must be a redis:// or rediss:// URL, got ${JSON.stringify(redactUrl(url))}`,
    );
  }
  return new Redis(url, {
    // Fail queued commands after two failed reconnection attempts instead of twenty, so a
    // write during an outage fails in about a second rather than hanging.
    maxRetriesPerRequest: 1,
    commandTimeout: commandTimeoutMs,
    connectTimeout: commandTimeoutMs,
    // Keep reconnecting for as long as the store is open: Redis may come back at any time.
    retryStrategy: (attempt: number) => Math.min(attempt * 100, MAX_RECONNECT_DELAY_MS),
  });
}

/** A URL for an error message, without its password. */
function redactUrl(url: string): string {
  return url.replace(/\/\/([^@/]*)@/, '//[redacted]@');
}
