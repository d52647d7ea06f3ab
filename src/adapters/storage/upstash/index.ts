export { UpstashRunStore } from './upstash-run-store.js';
export type { UpstashRunStoreOptions } from './upstash-run-store.js';
