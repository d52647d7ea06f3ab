export { computeRetryDelayMs } from './backoff.js';
export { classifyHttpStatus, isRetryableStatus } from './http-status.js';
export type { HttpStatusClass } from './http-status.js';
export { parseRetryAfterMs, responseRetryAfterMs } from './retry-after.js';
