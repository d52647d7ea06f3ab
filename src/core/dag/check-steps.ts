/**
 * Checks of each step that do not involve the dependency graph: unique usids, unique outputs
 * across steps, per-step limits and times.
 */
import type { ValidationLimits } from '../payload/defaults.js';
import { checkAtMost, checkDuration } from './bounds.js';
import type { NameIndex } from './dependencies.js';
import { quote, type IssueList } from './issues.js';
import { stepLabel, type StepView } from './payload-view.js';

/** Reports every usid and every output name that an earlier step already uses. */
export function checkUniqueNames(
  views: readonly StepView[],
  names: NameIndex,
  issues: IssueList,
): void {
  for (const view of views) {
    if (view.usid !== undefined) {
      const first = names.firstWithUsid(view.usid);
      if (first !== undefined && first !== view.index) {
        issues.add(
          `${view.pointer}/usid`,
          'duplicate_usid',
          `usid ${quote(view.usid)} is already used by ${describeStep(views, first)}`,
        );
      }
    }
    const { outputs } = view;
    for (let position = 0; position < outputs.length; position++) {
      const output = outputs[position];
      if (typeof output !== 'string') continue;
      const producer = names.producerOf(output);
      // Listing an output twice in one step is harmless: it is still produced by one step.
      if (producer === undefined || producer === view.index) continue;
      issues.add(
        `${view.pointer}/outputs/${position}`,
        'duplicate_output',
        `output ${quote(output)} is already produced by ${describeStep(views, producer)}`,
      );
    }
  }
}

function describeStep(views: readonly StepView[], index: number): string {
  const view = views[index];
  return view === undefined ? `step #${index}` : `step ${quote(stepLabel(view))} (${view.pointer})`;
}

/** Reports steps over the configured limits and times out of range. */
export function checkStepBounds(
  views: readonly StepView[],
  limits: ValidationLimits,
  issues: IssueList,
): void {
  for (const view of views) {
    const { raw, pointer } = view;
    if (view.dependencies.length > limits.maxDependenciesPerStep) {
      issues.add(
        `${pointer}/dependencies`,
        'too_many_dependencies',
        `must have at most ${limits.maxDependenciesPerStep} dependencies, got ${view.dependencies.length}`,
      );
    }
    checkAtMost(raw, 'max_retries', pointer, limits.maxRetries, 'too_many_retries', issues);
    checkDuration(raw, 'retry_delay', pointer, 'delay', limits, issues);
    checkDuration(raw, 'timeout', pointer, 'timeout', limits, issues);
    checkDuration(raw, 'http_timeout', pointer, 'timeout', limits, issues);
  }
}
