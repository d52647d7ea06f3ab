export {
  DEFAULT_KEY_PREFIX,
  DEFAULT_RUN_TTL_SECONDS,
  DEFAULT_STORE_COMMAND_TIMEOUT_MS,
} from './defaults.js';
export { nonEmptyString, positiveInteger } from './options.js';
export { joinRecord, parseStored, splitRecord } from './run-record.js';
export type { RecordHead } from './run-record.js';
export { CLOSED_REASON, UNKNOWN_RUN_REASON, messageOf, storeFailure } from './store-failure.js';
export type { StoreOperation } from './store-failure.js';
