/**
 * The `Retry-After` response header (RFC 9110 section 10.2.3): either delta-seconds or an HTTP
 * date. Only 429 and 503 responses are asked for it (SPEC 3.4).
 */
import { honoursRetryAfter } from './http-status.js';

const DELTA_SECONDS = /^-?\d+(?:\.\d+)?$/;
/** IMF-fixdate, RFC 850 and asctime all start with a day name; anything else is not a date. */
const HTTP_DATE_START = /^(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,? /i;
const GMT_ZONE = /\b(?:GMT|UTC)$/i;

/**
 * The delay a `Retry-After` value asks for, in ms.
 *
 * @param value The header value; `undefined` when the header is absent.
 * @param nowMs Current time, epoch ms, to turn an HTTP date into a delay.
 * @returns The delay (a negative number or a past date gives 0), or `undefined` when the value is
 *   absent or neither delta-seconds nor an HTTP date.
 */
export function parseRetryAfterMs(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  if (DELTA_SECONDS.test(text)) return Math.max(0, Math.round(Number(text) * 1000));
  if (!HTTP_DATE_START.test(text)) return undefined;
  // asctime dates carry no zone; HTTP dates are always GMT, not the engine's local time.
  const at = Date.parse(GMT_ZONE.test(text) ? text : `${text} GMT`);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/**
 * The delay a response asks for before the next attempt, in ms: its `Retry-After` header when the
 * status is 429 or 503, else `undefined`.
 *
 * @param headers Response headers with lower-case names.
 * @param nowMs Current time, epoch ms.
 */
export function responseRetryAfterMs(
  status: number,
  headers: Readonly<Record<string, string>>,
  nowMs: number,
): number | undefined {
  return honoursRetryAfter(status) ? parseRetryAfterMs(headers['retry-after'], nowMs) : undefined;
}
