import { describe, expect, it } from 'vitest';
import { createResultBlock, type WorkflowResult } from '../../src/blocks/index.js';
import type { StepHistoryEntry } from '../../src/core/run/types.js';

function step(
  usid: string,
  status: StepHistoryEntry['status'],
  extra: Partial<StepHistoryEntry> = {},
): StepHistoryEntry {
  return {
    usid,
    step_name: `step_${usid}`,
    status,
    reason: null,
    error: null,
    attempts: status === 'aborted' ? 0 : 1,
    http_status: status === 'aborted' ? null : 200,
    started_at: status === 'aborted' ? null : '2025-11-16T12:00:00.000Z',
    finished_at: '2025-11-16T12:00:01.000Z',
    duration_ms: status === 'aborted' ? null : 1000,
    outputs: status === 'completed' ? { [`${usid}_result`]: 'ok' } : null,
    ...extra,
  };
}

const succeeded: WorkflowResult = {
  success: true,
  status: 'succeeded',
  run_id: '01JRUNOK',
  workflow_id: 'workflow-123',
  namespace: 'my-workspace',
  workflow_name: 'analysis',
  execution_time: 1.234,
  steps_completed: 2,
  steps_failed: 0,
  steps_aborted: 0,
  steps_cancelled: 0,
  final_result: 'positive',
  all_outputs: { original_input: 'text', a_result: 'ok', b_result: 'positive' },
  steps: [step('a', 'completed'), step('b', 'completed')],
};

const failed: WorkflowResult = {
  success: false,
  status: 'failed',
  run_id: '01JRUNKO',
  workflow_id: 'workflow-123',
  namespace: 'my-workspace',
  execution_time: 0.5,
  steps_completed: 1,
  steps_failed: 1,
  steps_aborted: 1,
  steps_cancelled: 0,
  final_result: { original_input: 'text', a_result: 'ok' },
  partial_outputs: { original_input: 'text', a_result: 'ok' },
  error: 'step b failed: HTTP 503 from api.example.com after 3 attempts: busy',
  steps: [
    step('a', 'completed'),
    step('b', 'failed', {
      error: 'HTTP 503 from api.example.com after 3 attempts: busy',
      http_status: 503,
      attempts: 3,
    }),
    step('c', 'aborted', { reason: 'run failed: step b failed' }),
  ],
};

describe('createResultBlock', () => {
  it('stores a successful run with its outputs, history and counts', () => {
    expect(createResultBlock('my-workspace', 'workflow-123', succeeded)).toEqual({
      blockId: 'result-01JRUNOK',
      title: 'analysis result',
      content: {
        type: 'workflow_result',
        data: {
          run_id: '01JRUNOK',
          workflow_id: 'workflow-123',
          namespace: 'my-workspace',
          status: 'succeeded',
          success: true,
          final_result: 'positive',
          outputs: succeeded.all_outputs,
          error: null,
          execution_time: 1.234,
          steps: succeeded.steps,
          counts: {
            total_steps: 2,
            steps_completed: 2,
            steps_failed: 0,
            steps_aborted: 0,
            steps_cancelled: 0,
          },
        },
      },
      labels: { 'workflow:analysis:result': 'workflow:analysis:result', run_id: '01JRUNOK' },
    });
  });

  it('stores a failed run with its partial outputs and the error', () => {
    const block = createResultBlock('my-workspace', 'workflow-123', failed);
    expect(block.blockId).toBe('result-01JRUNKO');
    expect(block.title).toBe('workflow-123 result');
    expect(block.labels).toEqual({
      'workflow:workflow-123:result': 'workflow:workflow-123:result',
      run_id: '01JRUNKO',
    });
    expect(block.content.data).toMatchObject({
      status: 'failed',
      success: false,
      outputs: { original_input: 'text', a_result: 'ok' },
      error: 'step b failed: HTTP 503 from api.example.com after 3 attempts: busy',
      counts: {
        total_steps: 3,
        steps_completed: 1,
        steps_failed: 1,
        steps_aborted: 1,
        steps_cancelled: 0,
      },
    });
    expect(block.content.data.steps.map((entry) => entry.status)).toEqual([
      'completed',
      'failed',
      'aborted',
    ]);
  });

  it('takes the workflow name and block id from the options', () => {
    const block = createResultBlock('ns', 'wf', failed, {
      workflowName: 'analysis',
      blockId: 'r-1',
    });
    expect(block.blockId).toBe('r-1');
    expect(block.title).toBe('analysis result');
    expect(Object.keys(block.labels)).toEqual(['workflow:analysis:result', 'run_id']);
    expect(block.content.data).toMatchObject({ namespace: 'ns', workflow_id: 'wf' });
  });

  it('gives a block that survives a JSON round trip unchanged', () => {
    const block = createResultBlock('ns', 'wf', succeeded);
    expect(JSON.parse(JSON.stringify(block))).toEqual(block);
  });
});
