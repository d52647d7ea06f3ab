export { KeyValueRunStore } from './key-value-run-store.js';
export type { KeyValueStoreSettings } from './key-value-run-store.js';
export type { KeyValueDriver, LexBound, ReadBatch, ScoreBound, WriteBatch } from './driver.js';
