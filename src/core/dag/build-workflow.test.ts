import { describe, expect, it } from 'vitest';
import {
  DEFAULT_HTTP_TIMEOUT_MS,
  DEFAULT_MAX_PARALLEL_STEPS,
  DEFAULT_MAX_RETRIES,
  DEFAULT_MAX_RETRY_DELAY_MS,
  DEFAULT_RETRY_DELAY_MS,
  DEFAULT_STEP_TIMEOUT_MS,
  DEFAULT_TOTAL_PIPELINE_TIMEOUT_MS,
} from '../payload/defaults.js';
import type { ResolvedWorkflow } from './index.js';
import { resolved, stepConfig } from '../../../test/helpers/dag-payloads.js';

/** These tests name steps `<usid>_name`, to tell names from usids. */
function step(usid: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return stepConfig(usid, { step_name: `${usid}_name`, ...extra });
}

describe('defaults', () => {
  it('fills every default of the workflow, its steps and its settings', () => {
    const workflow = resolved({ STEPS_CONFIG: [step('a')] });
    expect(workflow).toMatchObject({
      workflowId: 'unknown',
      namespace: 'default',
      workflowName: null,
      originalInput: null,
      inputData: {},
      settings: {
        raiseOnError: true,
        totalTimeoutMs: DEFAULT_TOTAL_PIPELINE_TIMEOUT_MS,
        maxParallelSteps: DEFAULT_MAX_PARALLEL_STEPS,
        onMissing: 'error',
        finalOutput: null,
        notifications: null,
      },
    });
    expect(workflow.steps[0]).toMatchObject({
      index: 0,
      usid: 'a',
      name: 'a_name',
      method: 'POST',
      bodyType: null,
      outputs: ['a_out'],
      outputMapping: null,
      dependencies: [],
      triggerRule: 'all_success',
      retry: {
        maxRetries: DEFAULT_MAX_RETRIES,
        retryDelayMs: DEFAULT_RETRY_DELAY_MS,
        maxRetryDelayMs: DEFAULT_MAX_RETRY_DELAY_MS,
        backoff: 'exponential',
      },
      stepTimeoutMs: DEFAULT_STEP_TIMEOUT_MS,
      httpTimeoutMs: DEFAULT_HTTP_TIMEOUT_MS,
      labels: [],
    });
  });

  it('converts seconds to milliseconds and lets a step override the settings', () => {
    const workflow = resolved({
      workflow_id: 'wf-1',
      namespace: 'space',
      workflow_name: 'Analysis',
      original_input: { text: 'hi' },
      input_data: { k: 1 },
      STEPS_CONFIG: [
        step('a'),
        step('b', {
          method: 'GET',
          input_prep_config: { type: 'form' },
          output_mapping: { b_out: 'data.value' },
          max_retries: 0,
          retry_delay: 0.25,
          timeout: 20,
          http_timeout: 0.0001,
          trigger_rule: 'all_done',
          labels: ['workflow:x:1'],
        }),
      ],
      PIPELINE_SETTINGS: {
        error_handling: {
          max_retries: 5,
          retry_delay: 1.5,
          raise_on_error: false,
          backoff: 'fixed',
          max_retry_delay: 10,
        },
        timeouts: { step_timeout: 30, http_timeout: 12.5, total_pipeline_timeout: 600 },
        concurrency: { max_parallel_steps: 3 },
        templating: { on_missing: 'keep' },
        final_output: 'b_out',
      },
    });
    expect(workflow).toMatchObject({
      workflowId: 'wf-1',
      namespace: 'space',
      workflowName: 'Analysis',
      originalInput: { text: 'hi' },
      inputData: { k: 1 },
      settings: {
        raiseOnError: false,
        totalTimeoutMs: 600_000,
        maxParallelSteps: 3,
        onMissing: 'keep',
        finalOutput: 'b_out',
      },
    });
    const [a, b] = workflow.steps;
    expect(a).toMatchObject({
      retry: { maxRetries: 5, retryDelayMs: 1500, maxRetryDelayMs: 10_000, backoff: 'fixed' },
      stepTimeoutMs: 30_000,
      httpTimeoutMs: 12_500,
    });
    expect(b).toMatchObject({
      method: 'GET',
      bodyType: 'form',
      outputMapping: { b_out: 'data.value' },
      retry: { maxRetries: 0, retryDelayMs: 250, maxRetryDelayMs: 10_000, backoff: 'fixed' },
      stepTimeoutMs: 20_000,
      // A tiny positive timeout still waits at least 1 ms.
      httpTimeoutMs: 1,
      triggerRule: 'all_done',
      labels: ['workflow:x:1'],
    });
  });
});

describe('notifications', () => {
  const withNotifications = (notifications: unknown): ResolvedWorkflow =>
    resolved({ STEPS_CONFIG: [step('a')], PIPELINE_SETTINGS: { notifications } });

  it('sends every event when events is absent or holds "*"', () => {
    expect(
      withNotifications({ webhook_url: 'https://hooks.example.com/x' }).settings.notifications,
    ).toEqual({
      webhookUrl: 'https://hooks.example.com/x',
      secret: null,
      events: null,
    });
    expect(
      withNotifications({ webhook_url: 'https://h.example.com', events: ['step_failed', '*'] })
        .settings.notifications?.events,
    ).toBeNull();
  });

  it('keeps the secret and the chosen events', () => {
    const notifications = withNotifications({
      webhook_url: 'https://h.example.com',
      secret: 'whsec_abc',
      events: ['workflow_completed', 'workflow_failed'],
    }).settings.notifications;
    expect(notifications?.secret).toBe('whsec_abc');
    expect([...(notifications?.events ?? [])]).toEqual(['workflow_completed', 'workflow_failed']);
  });

  it('sends nothing without a webhook_url', () => {
    expect(withNotifications({ events: ['*'] }).settings.notifications).toBeNull();
    expect(withNotifications({ webhook_url: '' }).settings.notifications).toBeNull();
  });
});

describe('plan', () => {
  // d waits for b and c; b and c wait for a; e waits for nothing; f waits only for an input.
  const workflow = resolved({
    input_data: { doc: 'x' },
    STEPS_CONFIG: [
      step('d', { dependencies: ['b', 'c_out'] }),
      step('b', { dependencies: ['a'] }),
      step('a'),
      step('c', { dependencies: ['a_name'] }),
      step('e'),
      step('f', { dependencies: ['doc'] }),
    ],
  });

  it('puts each step one level below its deepest dependency', () => {
    expect(workflow.levels).toEqual([[2, 4, 5], [1, 3], [0]]);
    expect(workflow.steps.map((s) => s.level)).toEqual([2, 1, 0, 1, 0, 0]);
  });

  it('orders steps level by level and numbers them from 1', () => {
    expect(workflow.topoOrder).toEqual([2, 4, 5, 1, 3, 0]);
    expect(workflow.steps.map((s) => s.topoIndex)).toEqual([6, 4, 1, 5, 2, 3]);
  });

  it('links upstream and downstream both ways', () => {
    expect(workflow.steps.map((s) => s.upstream)).toEqual([[1, 3], [2], [], [2], [], []]);
    expect(workflow.steps.map((s) => s.downstream)).toEqual([[], [0], [1, 3], [0], [], []]);
  });

  it('compiles each step’s templates once', () => {
    const templated = resolved({
      input_data: { id: 'a b' },
      STEPS_CONFIG: [
        step('a', {
          service_url: 'https://api.example.com/items/{{id}}',
          headers: { Authorization: 'Bearer {{id}}' },
          input_prep_config: { mapping: { text: '{{id}}' } },
        }),
      ],
    });
    const templates = templated.steps[0]!.templates;
    const scope = { lookup: (name: string) => (name === 'id' ? 'a b' : undefined) };
    expect(templates.serviceUrl.render(scope, 'error')).toBe('https://api.example.com/items/a%20b');
    expect(templates.headers.render(scope, 'error')).toEqual({ Authorization: 'Bearer a b' });
    expect(templates.mapping.render(scope, 'error')).toEqual({ text: 'a b' });
  });

  it('renders each step its own headers when steps share or differ in them', () => {
    const steps = resolved({
      STEPS_CONFIG: [
        step('a', { headers: { A: '{{x}}', 'B\u0000': 'c' } }),
        step('b', { headers: { A: '{{x}}', B: '\u0000c' } }),
        step('c', { headers: { A: '{{x}}', 'B\u0000': 'c' } }),
        step('d', { headers: { A: '{{y}}' } }),
      ],
    }).steps;
    const scope = { lookup: (name: string) => `value of ${name}` };
    expect(steps.map((s) => s.templates.headers.render(scope, 'error'))).toEqual([
      { A: 'value of x', 'B\u0000': 'c' },
      { A: 'value of x', B: '\u0000c' },
      { A: 'value of x', 'B\u0000': 'c' },
      { A: 'value of y' },
    ]);
    expect(steps[2]!.templates.headers).toBe(steps[0]!.templates.headers);
  });

  it('gives absent headers and mapping static templates', () => {
    const templates = resolved({ STEPS_CONFIG: [step('a')] }).steps[0]!.templates;
    const scope = { lookup: () => undefined };
    expect(templates.headers.isStatic).toBe(true);
    expect(templates.headers.render(scope, 'error')).toEqual({});
    expect(templates.mapping.isStatic).toBe(true);
    expect(templates.mapping.render(scope, 'error')).toBeUndefined();
  });
});
