import { ConfigError } from '../../../core/errors.js';
import type { Clock } from '../../../ports/clock.js';
import type { Logger } from '../../../ports/logger.js';

/** Attempts per event, the first included (SPEC 5). */
export const DEFAULT_WEBHOOK_MAX_ATTEMPTS = 5;
/** Waits between attempts, in ms; the last one repeats if there are more attempts (SPEC 5). */
export const DEFAULT_WEBHOOK_RETRY_DELAYS_MS: readonly number[] = Object.freeze([
  500, 1000, 2000, 4000,
]);
/** Time one attempt may take, from connecting to the end of the response, in ms. */
export const DEFAULT_WEBHOOK_REQUEST_TIMEOUT_MS = 10_000;
/** Longest wait of `flush()` for the terminal event's first attempt, in ms (SPEC 5). */
export const DEFAULT_WEBHOOK_FLUSH_BUDGET_MS = 2_000;

/** What callers pass to {@link WebhookNotifier}. */
export interface WebhookNotifierOptions {
  /** Receives delivery failures (warn) and retried attempts (debug); never secrets or bodies. */
  logger: Logger;
  /** Attempts per event, the first included; an integer >= 1. @defaultValue 5 */
  maxAttempts?: number;
  /**
   * Waits between attempts in ms: entry i follows failed attempt i + 1; the last entry repeats
   * when there are more attempts than entries, an empty list retries at once.
   * @defaultValue [500, 1000, 2000, 4000]
   */
  retryDelaysMs?: readonly number[];
  /** Time one attempt may take in ms; a positive number. @defaultValue 10000 */
  requestTimeoutMs?: number;
  /** Default budget of `flush()` in ms; a number >= 0. @defaultValue 2000 */
  flushBudgetMs?: number;
  /** Source of time for retry waits, timeouts, flush budgets and `webhook-timestamp`. */
  clock: Clock;
}

/** {@link WebhookNotifierOptions} with every default applied and validated. */
export interface ResolvedWebhookNotifierOptions {
  logger: Logger;
  maxAttempts: number;
  retryDelaysMs: readonly number[];
  requestTimeoutMs: number;
  flushBudgetMs: number;
  clock: Clock;
}

/**
 * Applies defaults and checks every option.
 *
 * @throws ConfigError listing every invalid option, by its option name.
 */
export function resolveWebhookNotifierOptions(
  options: WebhookNotifierOptions,
): ResolvedWebhookNotifierOptions {
  const resolved: ResolvedWebhookNotifierOptions = {
    logger: options.logger,
    maxAttempts: options.maxAttempts ?? DEFAULT_WEBHOOK_MAX_ATTEMPTS,
    retryDelaysMs: Object.freeze([...(options.retryDelaysMs ?? DEFAULT_WEBHOOK_RETRY_DELAYS_MS)]),
    requestTimeoutMs: options.requestTimeoutMs ?? DEFAULT_WEBHOOK_REQUEST_TIMEOUT_MS,
    flushBudgetMs: options.flushBudgetMs ?? DEFAULT_WEBHOOK_FLUSH_BUDGET_MS,
    clock: options.clock,
  };
  const problems: string[] = [];
  if (!Number.isInteger(resolved.maxAttempts) || resolved.maxAttempts < 1) {
    problems.push(`maxAttempts must be an integer >= 1, got ${String(resolved.maxAttempts)}`);
  }
  resolved.retryDelaysMs.forEach((delayMs, index) => {
    if (!Number.isFinite(delayMs) || delayMs < 0) {
      problems.push(`retryDelaysMs[${index}] must be a finite number >= 0, got ${String(delayMs)}`);
    }
  });
  if (!Number.isFinite(resolved.requestTimeoutMs) || resolved.requestTimeoutMs <= 0) {
    problems.push(
      `requestTimeoutMs must be a finite number > 0, got ${String(resolved.requestTimeoutMs)}`,
    );
  }
  if (!Number.isFinite(resolved.flushBudgetMs) || resolved.flushBudgetMs < 0) {
    problems.push(
      `flushBudgetMs must be a finite number >= 0, got ${String(resolved.flushBudgetMs)}`,
    );
  }
  if (problems.length > 0) {
    throw new ConfigError(`Invalid webhook notifier options: ${problems.join('; ')}`, {
      details: { problems },
    });
  }
  return resolved;
}

/** The wait after failed attempt `attempt` (1-based), per {@link WebhookNotifierOptions}. */
export function retryDelayAfter(retryDelaysMs: readonly number[], attempt: number): number {
  if (retryDelaysMs.length === 0) return 0;
  return retryDelaysMs[Math.min(attempt, retryDelaysMs.length) - 1] ?? 0;
}
