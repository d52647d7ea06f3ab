import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ResolvedRetryPolicy } from '../dag/types.js';
import { computeRetryDelayMs } from './backoff.js';

const policyArb = fc.record({
  maxRetries: fc.integer({ min: 0, max: 20 }),
  retryDelayMs: fc.integer({ min: 0, max: 120_000 }),
  maxRetryDelayMs: fc.integer({ min: 0, max: 300_000 }),
  backoff: fc.constantFrom('exponential' as const, 'fixed' as const),
});
const retryNumberArb = fc.integer({ min: 1, max: 2_000 });
const randomArb = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

function policy(overrides: Partial<ResolvedRetryPolicy>): ResolvedRetryPolicy {
  return {
    maxRetries: 3,
    retryDelayMs: 1_000,
    maxRetryDelayMs: 30_000,
    backoff: 'exponential',
    ...overrides,
  };
}

describe('computeRetryDelayMs', () => {
  it('always returns a delay within [0, maxRetryDelayMs]', () => {
    fc.assert(
      fc.property(
        policyArb,
        retryNumberArb,
        randomArb,
        fc.option(fc.integer({ min: -10_000, max: 10_000_000 }), { nil: undefined }),
        (p, n, r, retryAfterMs) => {
          const delay = computeRetryDelayMs(p, n, () => r, retryAfterMs);
          expect(delay).toBeGreaterThanOrEqual(0);
          expect(delay).toBeLessThanOrEqual(p.maxRetryDelayMs);
          expect(Number.isFinite(delay)).toBe(true);
        },
      ),
    );
  });

  it('gives the same fixed delay for every retry, whatever the random source says', () => {
    fc.assert(
      fc.property(
        policyArb,
        retryNumberArb,
        retryNumberArb,
        randomArb,
        randomArb,
        (p, n1, n2, r1, r2) => {
          const fixed = { ...p, backoff: 'fixed' as const };
          const first = computeRetryDelayMs(fixed, n1, () => r1);
          expect(computeRetryDelayMs(fixed, n2, () => r2)).toBe(first);
          expect(first).toBe(Math.min(p.retryDelayMs, p.maxRetryDelayMs));
        },
      ),
    );
  });

  it('doubles the exponential bound with each retry until the cap', () => {
    fc.assert(
      fc.property(policyArb, fc.integer({ min: 1, max: 40 }), (p, n) => {
        const exponential = { ...p, backoff: 'exponential' as const };
        // A random source just below 1 shows the bound itself (up to rounding).
        const bound = (retry: number) => computeRetryDelayMs(exponential, retry, () => 1 - 1e-12);
        const expected = Math.min(p.maxRetryDelayMs, p.retryDelayMs * 2 ** (n - 1));
        expect(Math.abs(bound(n) - expected)).toBeLessThanOrEqual(1);
        if (p.retryDelayMs * 2 ** n <= p.maxRetryDelayMs) {
          expect(Math.abs(bound(n + 1) - 2 * bound(n))).toBeLessThanOrEqual(1);
        }
      }),
    );
  });

  it('scales the exponential delay by the random draw (full jitter)', () => {
    const p = policy({ retryDelayMs: 1_000, maxRetryDelayMs: 30_000 });
    expect(computeRetryDelayMs(p, 1, () => 0)).toBe(0);
    expect(computeRetryDelayMs(p, 1, () => 0.5)).toBe(500);
    expect(computeRetryDelayMs(p, 3, () => 0.5)).toBe(2_000);
    expect(computeRetryDelayMs(p, 10, () => 0.5)).toBe(15_000);
  });

  it('lets Retry-After replace the computed delay, capped at maxRetryDelayMs', () => {
    fc.assert(
      fc.property(
        policyArb,
        retryNumberArb,
        randomArb,
        fc.integer({ min: 0, max: 10_000_000 }),
        (p, n, r, after) => {
          expect(computeRetryDelayMs(p, n, () => r, after)).toBe(
            Math.min(after, p.maxRetryDelayMs),
          );
        },
      ),
    );
  });

  it('treats a negative Retry-After as no wait', () => {
    expect(computeRetryDelayMs(policy({}), 1, () => 0.5, -500)).toBe(0);
  });

  it('stays finite for huge retry numbers with a zero base delay', () => {
    expect(computeRetryDelayMs(policy({ retryDelayMs: 0 }), 5_000, () => 0.9)).toBe(0);
    expect(computeRetryDelayMs(policy({ retryDelayMs: 10 }), 5_000, () => 0.5)).toBe(15_000);
  });
});
