import { ConfigError } from '../../core/errors.js';
import type { RunStore } from '../../ports/run-store.js';
import { MemoryRunStore, type MemoryRunStoreOptions } from './memory/index.js';
import { RedisRunStore, type RedisRunStoreOptions } from './redis/index.js';
import { UpstashRunStore, type UpstashRunStoreOptions } from './upstash/index.js';

/** The store backends (SPEC 6), as chosen with `--store`. */
export type RunStoreKind = 'memory' | 'redis' | 'upstash';

/** Every backend's name, for option parsing and messages. */
export const RUN_STORE_KINDS: readonly RunStoreKind[] = ['memory', 'redis', 'upstash'];

/** The options each backend takes. */
export interface RunStoreOptionsByKind {
  memory: MemoryRunStoreOptions;
  redis: RedisRunStoreOptions;
  upstash: UpstashRunStoreOptions;
}

/**
 * Builds the run store of the given kind. `memory` and `redis` work without options (the
 * embedded default, and Redis on 127.0.0.1:6379); `upstash` needs `url` and `token`.
 *
 * @example
 * ```ts
 * const store = createRunStore('redis', { url: 'redis://127.0.0.1:6379', ttlSeconds: 3600 });
 * ```
 * @throws ConfigError for an unknown kind, missing Upstash credentials or an invalid option.
 */
export function createRunStore<K extends RunStoreKind>(
  kind: K,
  ...options: K extends 'upstash' ? [RunStoreOptionsByKind[K]] : [RunStoreOptionsByKind[K]?]
): RunStore {
  const given: unknown = options[0];
  switch (kind) {
    case 'memory':
      return new MemoryRunStore(given as MemoryRunStoreOptions | undefined);
    case 'redis':
      return new RedisRunStore(given as RedisRunStoreOptions | undefined);
    case 'upstash':
      if (typeof given !== 'object' || given === null) {
        throw new ConfigError(
          'upstash store: url and token are required (UPSTASH_REST_URL, UPSTASH_REST_TOKEN)',
        );
      }
      return new UpstashRunStore(given as UpstashRunStoreOptions);
    default:
      throw new ConfigError(
        `store must be one of ${RUN_STORE_KINDS.map((k) => `"${k}"`).join(', ')}, got ${JSON.stringify(kind)}`,
      );
  }
}
