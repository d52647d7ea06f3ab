/** Small payload pieces and validation shortcuts for the tests of core/dag. */
import type { ResolvedWorkflow } from '../../src/core/dag/index.js';
import { validatePayload } from '../../src/core/dag/index.js';
import type { ValidationIssue } from '../../src/core/errors.js';
import type { ValidationLimits } from '../../src/core/payload/defaults.js';

/** A valid step named `usid` with output `<usid>_out`; `extra` adds or overrides fields. */
export function stepConfig(
  usid: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    step_name: usid,
    usid,
    service_url: 'https://api.example.com/run',
    outputs: [`${usid}_out`],
    ...extra,
  };
}

/** The resolved workflow of a payload that must be valid. */
export function resolved(payload: unknown): ResolvedWorkflow {
  const outcome = validatePayload(payload);
  if (!outcome.valid) throw new Error(JSON.stringify(outcome.issues));
  return outcome.workflow;
}

/** The issues of a payload that must be invalid. */
export function issuesOf(payload: unknown, limits?: Partial<ValidationLimits>): ValidationIssue[] {
  const outcome = validatePayload(payload, limits);
  if (outcome.valid) throw new Error('expected the payload to be rejected');
  return outcome.issues;
}
