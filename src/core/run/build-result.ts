/** Pure assembly of the run's answer (SPEC 4) from its step history and outputs. */
import type { ResolvedWorkflow } from '../dag/types.js';
import type { RunCounts, RunRecord, RunStatus, StepHistoryEntry, WorkflowResult } from './types.js';

/** Everything the result is made from. */
export interface ResultParts {
  workflow: ResolvedWorkflow;
  runId: string;
  status: Exclude<RunStatus, 'running'>;
  executionTimeMs: number;
  history: StepHistoryEntry[];
  /** Outputs produced by completed steps, by name. */
  outputs: ReadonlyMap<string, unknown>;
  error: string | null;
}

/** The step history a run starts with: every step pending. */
export function initialHistory(workflow: ResolvedWorkflow): StepHistoryEntry[] {
  return workflow.steps.map((step) => ({
    usid: step.usid,
    step_name: step.name,
    status: 'pending',
    reason: null,
    error: null,
    attempts: 0,
    http_status: null,
    started_at: null,
    finished_at: null,
    duration_ms: null,
    outputs: null,
  }));
}

/** Counts of terminal states, as the result and the final event report them. */
export function countSteps(history: readonly StepHistoryEntry[]): RunCounts {
  const counts: RunCounts = {
    total_steps: history.length,
    steps_completed: 0,
    steps_failed: 0,
    steps_aborted: 0,
    steps_cancelled: 0,
  };
  for (const entry of history) {
    if (entry.status === 'completed') counts.steps_completed += 1;
    else if (entry.status === 'failed') counts.steps_failed += 1;
    else if (entry.status === 'aborted') counts.steps_aborted += 1;
    else if (entry.status === 'cancelled') counts.steps_cancelled += 1;
  }
  return counts;
}

/** `original_input`, every input_data key and every output produced (the original's rule). */
export function collectOutputs(
  workflow: ResolvedWorkflow,
  outputs: ReadonlyMap<string, unknown>,
): Record<string, unknown> {
  const all: Record<string, unknown> = {
    original_input: workflow.originalInput,
    ...workflow.inputData,
  };
  for (const [name, value] of outputs) all[name] = value;
  return all;
}

/** final_output when set; else output `final_result`; else `result`; else all outputs. */
export function pickFinalResult(
  finalOutput: string | null,
  allOutputs: Record<string, unknown>,
): unknown {
  if (finalOutput !== null) return allOutputs[finalOutput] ?? null;
  if ('final_result' in allOutputs) return allOutputs.final_result;
  if ('result' in allOutputs) return allOutputs.result;
  return allOutputs;
}

/** The result of a finished run. */
export function buildResult(parts: ResultParts): WorkflowResult {
  const { workflow, status } = parts;
  const counts = countSteps(parts.history);
  const allOutputs = collectOutputs(workflow, parts.outputs);
  const success = status === 'succeeded';
  const result: WorkflowResult = {
    success,
    status,
    run_id: parts.runId,
    workflow_id: workflow.workflowId,
    namespace: workflow.namespace,
    ...(workflow.workflowName === null ? {} : { workflow_name: workflow.workflowName }),
    execution_time: parts.executionTimeMs / 1000,
    steps_completed: counts.steps_completed,
    steps_failed: counts.steps_failed,
    steps_aborted: counts.steps_aborted,
    steps_cancelled: counts.steps_cancelled,
    final_result: pickFinalResult(workflow.settings.finalOutput, allOutputs),
    ...(success ? { all_outputs: allOutputs } : { partial_outputs: allOutputs }),
    ...(parts.error === null ? {} : { error: parts.error }),
    steps: parts.history,
  };
  return result;
}

/** The stored record of a run that is still going. */
export function runningRecord(
  workflow: ResolvedWorkflow,
  runId: string,
  history: StepHistoryEntry[],
  createdAt: string,
): RunRecord {
  return {
    success: null,
    status: 'running',
    run_id: runId,
    workflow_id: workflow.workflowId,
    namespace: workflow.namespace,
    ...(workflow.workflowName === null ? {} : { workflow_name: workflow.workflowName }),
    execution_time: 0,
    steps_completed: 0,
    steps_failed: 0,
    steps_aborted: 0,
    steps_cancelled: 0,
    final_result: null,
    steps: history,
    created_at: createdAt,
    finished_at: null,
  };
}

/** The stored record of a finished run: its result plus creation and end times. */
export function finishedRecord(
  result: WorkflowResult,
  createdAt: string,
  finishedAt: string,
): RunRecord {
  return { ...result, created_at: createdAt, finished_at: finishedAt };
}
