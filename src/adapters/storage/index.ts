export {
  DEFAULT_KEY_PREFIX,
  DEFAULT_RUN_TTL_SECONDS,
  DEFAULT_STORE_COMMAND_TIMEOUT_MS,
} from './common/index.js';
export { RUN_STORE_KINDS, createRunStore } from './create-run-store.js';
export type { RunStoreKind, RunStoreOptionsByKind } from './create-run-store.js';
export { MemoryRunStore } from './memory/index.js';
export type { MemoryRunStoreOptions } from './memory/index.js';
export { DEFAULT_REDIS_URL, RedisRunStore } from './redis/index.js';
export type { RedisRunStoreOptions } from './redis/index.js';
export { UpstashRunStore } from './upstash/index.js';
export type { UpstashRunStoreOptions } from './upstash/index.js';
