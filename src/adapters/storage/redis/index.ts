export { DEFAULT_REDIS_URL, RedisRunStore } from './redis-run-store.js';
export type { RedisRunStoreOptions } from './redis-run-store.js';
