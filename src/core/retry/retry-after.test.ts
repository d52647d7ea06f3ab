import { describe, expect, it } from 'vitest';
import { parseRetryAfterMs, responseRetryAfterMs } from './retry-after.js';

const NOW = Date.UTC(2025, 0, 15, 12, 0, 0);

describe('parseRetryAfterMs', () => {
  it('reads delta-seconds', () => {
    expect(parseRetryAfterMs('120', NOW)).toBe(120_000);
    expect(parseRetryAfterMs(' 0 ', NOW)).toBe(0);
    expect(parseRetryAfterMs('1.5', NOW)).toBe(1_500);
  });

  it('turns a negative number into no wait', () => {
    expect(parseRetryAfterMs('-5', NOW)).toBe(0);
  });

  it('reads an IMF-fixdate as the time left until it', () => {
    expect(parseRetryAfterMs('Wed, 15 Jan 2025 12:00:30 GMT', NOW)).toBe(30_000);
  });

  it('reads the obsolete RFC 850 and asctime date forms', () => {
    expect(parseRetryAfterMs('Wednesday, 15-Jan-25 12:01:00 GMT', NOW)).toBe(60_000);
    expect(parseRetryAfterMs('Wed Jan 15 12:00:10 2025', NOW)).toBe(10_000);
  });

  it('turns a date in the past into no wait', () => {
    expect(parseRetryAfterMs('Wed, 15 Jan 2025 11:00:00 GMT', NOW)).toBe(0);
  });

  it('gives undefined for an absent, empty or junk value', () => {
    expect(parseRetryAfterMs(undefined, NOW)).toBeUndefined();
    expect(parseRetryAfterMs('', NOW)).toBeUndefined();
    expect(parseRetryAfterMs('soon', NOW)).toBeUndefined();
    expect(parseRetryAfterMs('10s', NOW)).toBeUndefined();
    expect(parseRetryAfterMs('foo 1', NOW)).toBeUndefined();
    expect(parseRetryAfterMs('Wed, 99 Foo 2025 25:61:00 GMT', NOW)).toBeUndefined();
  });
});

describe('responseRetryAfterMs', () => {
  it('honours Retry-After on 429 and 503 only', () => {
    const headers = { 'retry-after': '7' };
    expect(responseRetryAfterMs(429, headers, NOW)).toBe(7_000);
    expect(responseRetryAfterMs(503, headers, NOW)).toBe(7_000);
    expect(responseRetryAfterMs(500, headers, NOW)).toBeUndefined();
    expect(responseRetryAfterMs(200, headers, NOW)).toBeUndefined();
    expect(responseRetryAfterMs(429, {}, NOW)).toBeUndefined();
  });
});
