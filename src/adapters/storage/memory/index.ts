export { MemoryRunStore } from './memory-run-store.js';
export type { MemoryRunStoreOptions } from './memory-run-store.js';
