/** Turns a run's result into the block the ObjSpace backend stores beside the workflow's blocks. */
import type { WorkflowResult } from '../core/run/types.js';
import type { ResultBlockOptions, WorkflowResultBlock } from './types.js';

/**
 * The `workflow_result` block of one run:
 * `{ blockId: "result-<run_id>", title: "<workflow> result", content: { type: "workflow_result",
 * data: { run_id, workflow_id, namespace, status, success, final_result, outputs, error,
 * execution_time, steps, counts } }, labels: { "workflow:<name>:result": ..., run_id } }`.
 * `outputs` holds `all_outputs` of a successful run and `partial_outputs` otherwise; `steps` is the
 * step history; `execution_time` is in seconds. The result is copied by reference, not cloned.
 *
 * @param namespace - the workspace the block is stored in; kept in `data.namespace`.
 * @param workflowId - the workflow definition's id; kept in `data.workflow_id`.
 * @example
 * const block = createResultBlock('my-workspace', 'workflow-123', result, { workflowName: 'analysis' });
 */
export function createResultBlock(
  namespace: string,
  workflowId: string,
  result: WorkflowResult,
  options: ResultBlockOptions = {},
): WorkflowResultBlock {
  const workflowName = options.workflowName ?? result.workflow_name ?? workflowId;
  const resultLabel = `workflow:${workflowName}:result`;
  return {
    blockId: options.blockId ?? `result-${result.run_id}`,
    title: `${workflowName} result`,
    content: {
      type: 'workflow_result',
      data: {
        run_id: result.run_id,
        workflow_id: workflowId,
        namespace,
        status: result.status,
        success: result.success,
        final_result: result.final_result,
        outputs: result.all_outputs ?? result.partial_outputs ?? {},
        error: result.error ?? null,
        execution_time: result.execution_time,
        steps: result.steps,
        counts: {
          total_steps: result.steps.length,
          steps_completed: result.steps_completed,
          steps_failed: result.steps_failed,
          steps_aborted: result.steps_aborted,
          steps_cancelled: result.steps_cancelled,
        },
      },
    },
    labels: { [resultLabel]: resultLabel, run_id: result.run_id },
  };
}
