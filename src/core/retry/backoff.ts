/** Delay before a retry (SPEC 3.4): exponential with full jitter, or fixed; always capped. */
import type { ResolvedRetryPolicy } from '../dag/types.js';

/** 2^1023 is the largest finite power of two; beyond it the bound would be Infinity (or NaN). */
const MAX_EXPONENT = 1023;

/**
 * The delay before retry number `retryNumber`, in ms (rounded to whole ms), within `[0, maxRetryDelayMs]`.
 *
 * - `exponential`: full jitter, `random() × min(maxRetryDelayMs, retryDelayMs × 2^(n-1))`.
 * - `fixed`: `min(retryDelayMs, maxRetryDelayMs)`.
 * - A `retryAfterMs` (the service's `Retry-After`; callers pass it only for 429 and 503) replaces
 *   the computed delay, capped at `maxRetryDelayMs`.
 *
 * @param retryNumber 1 for the first retry (the second attempt), 2 for the next, ...
 * @param random A source of numbers in `[0, 1)`, such as `Math.random`.
 */
export function computeRetryDelayMs(
  policy: ResolvedRetryPolicy,
  retryNumber: number,
  random: () => number,
  retryAfterMs?: number,
): number {
  const cap = Math.max(0, policy.maxRetryDelayMs);
  if (retryAfterMs !== undefined) return roundWithin(retryAfterMs, cap);
  if (policy.backoff === 'fixed') return roundWithin(policy.retryDelayMs, cap);
  const exponent = Math.min(Math.max(retryNumber - 1, 0), MAX_EXPONENT);
  const bound = clamp(policy.retryDelayMs * 2 ** exponent, cap);
  return roundWithin(clamp(random(), 1) * bound, cap);
}

/** `value` within `[0, max]`; NaN becomes 0. */
function clamp(value: number, max: number): number {
  return value > max ? max : value > 0 ? value : 0;
}

/** Whole ms where possible (delays are reported in events), never past the cap. */
function roundWithin(value: number, max: number): number {
  return clamp(Math.round(value), max);
}
