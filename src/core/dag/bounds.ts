/**
 * Range checks shared by step and pipeline settings: times in seconds and configurable limits.
 * Negative values and wrong types are left to the structural check, which reports them already.
 */
import type { ValidationLimits } from '../payload/defaults.js';
import { describeValue, type IssueList } from './issues.js';
import { numberAt } from './payload-view.js';

/** Whether zero is allowed: delays may be 0, timeouts may not. */
export type DurationKind = 'delay' | 'timeout';

/** Checks the seconds value at `container[key]`: within maxDurationSeconds, and > 0 for timeouts. */
export function checkDuration(
  container: Readonly<Record<string, unknown>>,
  key: string,
  pointer: string,
  kind: DurationKind,
  limits: ValidationLimits,
  issues: IssueList,
): void {
  const seconds = numberAt(container, key);
  if (seconds === undefined) return;
  const path = `${pointer}/${key}`;
  if (kind === 'timeout' && seconds === 0) {
    issues.add(path, 'not_positive', 'must be greater than 0 seconds, got 0');
  } else if (seconds > limits.maxDurationSeconds) {
    issues.add(
      path,
      'duration_too_long',
      `must be at most ${limits.maxDurationSeconds} seconds, got ${describeValue(seconds)}`,
    );
  }
}

/** Checks that the number at `container[key]` is at most `maximum`. */
export function checkAtMost(
  container: Readonly<Record<string, unknown>>,
  key: string,
  pointer: string,
  maximum: number,
  code: string,
  issues: IssueList,
): void {
  const value = numberAt(container, key);
  if (value === undefined || value <= maximum) return;
  issues.add(`${pointer}/${key}`, code, `must be at most ${maximum}, got ${describeValue(value)}`);
}
