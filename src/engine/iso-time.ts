/**
 * ISO 8601 UTC text of an epoch-ms time. Steps start and finish thousands of times a second, so
 * the text up to the seconds is kept and reused while the second does not change.
 */
let cachedSecond = Number.NaN;
let cachedPrefix = '';

export function isoTime(epochMs: number): string {
  const second = Math.floor(epochMs / 1000);
  if (second !== cachedSecond) {
    cachedSecond = second;
    cachedPrefix = new Date(second * 1000).toISOString().slice(0, 20);
  }
  const millis = epochMs - second * 1000;
  return `${cachedPrefix}${millis < 10 ? '00' : millis < 100 ? '0' : ''}${Math.floor(millis)}Z`;
}
