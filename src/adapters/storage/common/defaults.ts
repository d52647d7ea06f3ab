/** Defaults shared by every run store (SPEC 6). */

/** How long a run is kept after its last write, in seconds: the original system's one hour. */
export const DEFAULT_RUN_TTL_SECONDS = 3_600;

/** First segment of every key a Redis or Upstash store writes. */
export const DEFAULT_KEY_PREFIX = 'wfe';

/** Longest wait for one Redis command or one Upstash request, retries included, in ms. */
export const DEFAULT_STORE_COMMAND_TIMEOUT_MS = 5_000;
