/** Run records and step history entries for the store tests. */
import type { RunRecord, StepHistoryEntry, StepStatus } from '../../src/core/run/types.js';

/** History entry of step `index` in `status`, with plausible times, attempts and outputs. */
export function step(index: number, status: StepStatus = 'pending'): StepHistoryEntry {
  const done = status === 'completed' || status === 'failed';
  return {
    usid: `usid-${index}`,
    step_name: `step_${index}`,
    status,
    reason: null,
    error: status === 'failed' ? 'HTTP 500 from api.example.com after 3 attempts: oops' : null,
    attempts: status === 'pending' ? 0 : 1,
    http_status: done ? 200 : null,
    started_at: status === 'pending' ? null : '2025-01-01T00:00:00.000Z',
    finished_at: done ? '2025-01-01T00:00:01.000Z' : null,
    duration_ms: done ? 1000 : null,
    outputs: status === 'completed' ? { [`out_${index}`]: index } : null,
  };
}

/** A running record of `steps` pending steps. */
export function makeRecord(
  runId: string,
  { workflowId = 'wf-1', namespace = 'ns-1', steps = 3 } = {},
): RunRecord {
  return {
    run_id: runId,
    workflow_id: workflowId,
    namespace,
    status: 'running',
    success: null,
    execution_time: 0,
    steps_completed: 0,
    steps_failed: 0,
    steps_aborted: 0,
    steps_cancelled: 0,
    final_result: null,
    steps: Array.from({ length: steps }, (_, i) => step(i)),
    created_at: '2025-01-01T00:00:00.000Z',
    finished_at: null,
  };
}
