import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../core/errors.js';
import { silentLogger } from '../../../ports/logger.js';
import {
  DEFAULT_WEBHOOK_RETRY_DELAYS_MS,
  resolveWebhookNotifierOptions,
  retryDelayAfter,
} from './options.js';
import { systemClock } from '../../clock/index.js';

describe('resolveWebhookNotifierOptions', () => {
  it('applies the SPEC 5 defaults', () => {
    const resolved = resolveWebhookNotifierOptions({ logger: silentLogger, clock: systemClock });
    expect(resolved).toMatchObject({
      maxAttempts: 5,
      retryDelaysMs: [500, 1000, 2000, 4000],
      requestTimeoutMs: 10_000,
      flushBudgetMs: 2_000,
      clock: systemClock,
    });
  });

  it('lists every invalid option in one ConfigError', () => {
    const attempt = (): unknown =>
      resolveWebhookNotifierOptions({
        logger: silentLogger,
        maxAttempts: 0,
        retryDelaysMs: [10, -1],
        requestTimeoutMs: 0,
        flushBudgetMs: Number.NaN,
        clock: systemClock,
      });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(
      'maxAttempts must be an integer >= 1, got 0; retryDelaysMs[1] must be a finite number >= 0, ' +
        'got -1; requestTimeoutMs must be a finite number > 0, got 0; flushBudgetMs must be a ' +
        'finite number >= 0, got NaN',
    );
  });

  it('copies the delay list so later changes by the caller have no effect', () => {
    const delays = [1, 2];
    const resolved = resolveWebhookNotifierOptions({
      logger: silentLogger,
      retryDelaysMs: delays,
      clock: systemClock,
    });
    delays[0] = 99;
    expect(resolved.retryDelaysMs).toEqual([1, 2]);
  });
});

describe('retryDelayAfter', () => {
  it('takes entry i after failed attempt i + 1 and repeats the last entry', () => {
    const delays = [...DEFAULT_WEBHOOK_RETRY_DELAYS_MS];
    expect([1, 2, 3, 4, 5, 9].map((attempt) => retryDelayAfter(delays, attempt))).toEqual([
      500, 1000, 2000, 4000, 4000, 4000,
    ]);
  });

  it('retries at once when the list is empty', () => {
    expect(retryDelayAfter([], 3)).toBe(0);
  });
});
