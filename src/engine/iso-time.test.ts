import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isoTime } from './iso-time.js';

describe('isoTime', () => {
  it('equals Date#toISOString for any time, in any order of calls', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 4_102_444_800_000 }), { minLength: 1 }),
        (times) => {
          for (const time of times) expect(isoTime(time)).toBe(new Date(time).toISOString());
        },
      ),
    );
  });

  it('reuses the second across milliseconds without mixing them up', () => {
    const base = Date.UTC(2026, 10, 25, 12, 0, 0);
    for (const offset of [0, 5, 50, 999, 1000, 1001]) {
      expect(isoTime(base + offset)).toBe(new Date(base + offset).toISOString());
    }
  });
});
