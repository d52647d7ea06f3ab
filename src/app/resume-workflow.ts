/**
 * Continues a run from what its store kept: completed steps keep their outputs and are not
 * called again; steps that were in flight run again with the same Idempotency-Key.
 */
import { resolveWorkflow } from '../core/dag/index.js';
import { ConflictError, NotFoundError } from '../core/errors.js';
import type { WorkflowResult } from '../core/run/index.js';
import { runWorkflow } from '../engine/index.js';
import type { RunStore } from '../ports/run-store.js';
import { runOptions, withEngine, type ExecuteWorkflowOptions } from './execute-workflow.js';

/** Options of {@link resumeWorkflow}: those of executeWorkflow, with the store required. */
export interface ResumeWorkflowOptions extends Omit<ExecuteWorkflowOptions, 'runId' | 'store'> {
  store: RunStore;
}

/**
 * Resumes the stored run `runId` and runs it to its end.
 * @throws NotFoundError when the store has no such run; ConflictError when it already ended;
 *   ValidationError when its stored payload is no longer valid under `limits`.
 */
export async function resumeWorkflow(
  runId: string,
  options: ResumeWorkflowOptions,
): Promise<WorkflowResult> {
  const stored = await options.store.getRun(runId);
  if (stored === null) throw new NotFoundError(`run ${runId} not found (it may have expired)`);
  if (stored.record.status !== 'running') {
    throw new ConflictError(`run ${runId} already ended with status ${stored.record.status}`);
  }
  const workflow = resolveWorkflow(stored.payload, options.limits);
  const events = await options.store.getEvents(runId);
  const resume = {
    history: stored.record.steps,
    outputs: stored.outputs,
    lastSequence: events.at(-1)?.sequence ?? 0,
    createdAt: stored.record.created_at,
  };
  return withEngine(options, (dependencies) =>
    runWorkflow(workflow, dependencies, { ...runOptions(runId, options), resume }),
  );
}
