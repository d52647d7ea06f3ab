import { Redis } from '@upstash/redis';
import { ConfigError } from '../../../core/errors.js';
import {
  DEFAULT_KEY_PREFIX,
  DEFAULT_RUN_TTL_SECONDS,
  DEFAULT_STORE_COMMAND_TIMEOUT_MS,
  nonEmptyString,
  positiveInteger,
} from '../common/index.js';
import { KeyValueRunStore } from '../key-value/index.js';
import { UpstashDriver } from './upstash-driver.js';

/** Retries of a request that did not reach the REST endpoint (network errors only). */
const REQUEST_RETRIES = 2;

/** Options of {@link UpstashRunStore}. */
export interface UpstashRunStoreOptions {
  /** The database's REST URL (`UPSTASH_REST_URL`), `https://...`. */
  url: string;
  /** The REST token (`UPSTASH_REST_TOKEN`), sent as `Authorization: Bearer <token>`. */
  token: string;
  /** First segment of every key. @defaultValue `wfe` */
  keyPrefix?: string;
  /** Seconds a run is kept after its last write. @defaultValue 3600 */
  ttlSeconds?: number;
  /** Longest wait for one request, retries of network errors included, in ms. @defaultValue 5000 */
  commandTimeoutMs?: number;
}

/**
 * The `upstash` store (SPEC 6): the original system's Upstash Redis, over its REST protocol, with
 * the same key layout and behaviour as {@link RedisRunStore}. Each write is one `/multi-exec`
 * request; a run's writes are applied in call order, those issued while one is in flight sent
 * together. A request that fails or gets no answer within `commandTimeoutMs` rejects with a
 * `StorageError` such as `upstash store: write failed for run 01J...: Unauthorized`.
 *
 * @example
 * ```ts
 * const store = new UpstashRunStore({
 *   url: process.env.UPSTASH_REST_URL ?? '',
 *   token: process.env.UPSTASH_REST_TOKEN ?? '',
 * });
 * ```
 * @throws ConfigError when an option is invalid.
 */
export class UpstashRunStore extends KeyValueRunStore {
  constructor(options: UpstashRunStoreOptions) {
    const url = nonEmptyString('upstash', 'url', options.url);
    if (!/^https?:\/\/[^\s/?#]+/.test(url)) {
      throw new ConfigError(
        `upstash store: url must be an http(s) URL, got ${JSON.stringify(url)}`,
      );
    }
    const token = nonEmptyString('upstash', 'token', options.token);
    const commandTimeoutMs = positiveInteger(
      'upstash',
      'commandTimeoutMs',
      options.commandTimeoutMs,
      DEFAULT_STORE_COMMAND_TIMEOUT_MS,
    );
    const client = new Redis({
      url,
      token,
      // Values are JSON text the store parses itself; the client must not guess at them.
      automaticDeserialization: false,
      enableAutoPipelining: false,
      enableTelemetry: false,
      retry: { retries: REQUEST_RETRIES, backoff: (retryCount) => 100 * 2 ** retryCount },
      // A function, so each request gets its own deadline (a shared signal would expire once).
      signal: () => AbortSignal.timeout(commandTimeoutMs),
    });
    super(new UpstashDriver(client, commandTimeoutMs), {
      keyPrefix: nonEmptyString('upstash', 'keyPrefix', options.keyPrefix, DEFAULT_KEY_PREFIX),
      ttlSeconds: positiveInteger(
        'upstash',
        'ttlSeconds',
        options.ttlSeconds,
        DEFAULT_RUN_TTL_SECONDS,
      ),
    });
  }
}
