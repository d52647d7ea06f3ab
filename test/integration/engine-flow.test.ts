import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeWorkflow } from '../../src/app/execute-workflow.js';
import { ValidationError } from '../../src/core/errors.js';
import type { WorkflowEvent, WorkflowResult } from '../../src/core/run/index.js';
import { payload, step } from '../helpers/payloads.js';
import { sendJson, startScriptedServer, type ScriptedServer } from '../helpers/scripted-server.js';

let server: ScriptedServer;

/** /echo answers its JSON body; /fail answers 500; /select?usids=a,b answers a selection. */
beforeAll(async () => {
  server = await startScriptedServer((request, response) => {
    if (request.path === '/fail') return sendJson(response, 500, { error: 'boom' });
    if (request.path === '/bad') return sendJson(response, 400, { error: 'bad input' });
    if (request.path === '/select') {
      const usids = (request.query.get('usids') ?? '').split(',').filter((usid) => usid !== '');
      return sendJson(response, 200, { [request.query.get('name') ?? 'selection']: usids });
    }
    return sendJson(response, 200, request.json ?? { query: Object.fromEntries(request.query) });
  });
});
afterAll(() => server.close());

const statusOf = (result: WorkflowResult, usid: string) =>
  result.steps.find((entry) => entry.usid === usid);

describe('the original example', () => {
  it('echoes {{original_input}} into result_1 and returns all outputs as final_result', async () => {
    const result = await executeWorkflow({
      workflow_id: 'workflow-123',
      namespace: 'my-workspace',
      original_input: 'Input data',
      STEPS_CONFIG: [
        {
          step_name: 'step_1',
          usid: 'a1b2c3d4',
          service_url: `${server.url}/echo`,
          method: 'POST',
          dependencies: [],
          outputs: ['result_1'],
          headers: { 'Content-Type': 'application/json' },
          input_prep_config: { type: 'json', mapping: { text: '{{original_input}}' } },
        },
      ],
    });
    expect(result.success).toBe(true);
    expect(result.status).toBe('succeeded');
    expect(result.all_outputs).toEqual({
      original_input: 'Input data',
      result_1: { text: 'Input data' },
    });
    expect(result.final_result).toEqual(result.all_outputs);
    expect(result.steps_completed).toBe(1);
    expect(result.workflow_id).toBe('workflow-123');
    expect(result.run_id).toMatch(/^[0-9A-Z]{26}$/);
    const [entry] = result.steps;
    expect(entry).toMatchObject({
      usid: 'a1b2c3d4',
      step_name: 'step_1',
      status: 'completed',
      attempts: 1,
      http_status: 200,
      reason: null,
      error: null,
    });
    expect(Date.parse(entry!.finished_at!)).toBeGreaterThanOrEqual(Date.parse(entry!.started_at!));
  });
});

describe('data flow', () => {
  it('feeds outputs into later requests with paths, types and input_data', async () => {
    const result = await executeWorkflow(
      payload(
        [
          step('first', `${server.url}/echo`, {
            mapping: { items: [{ text: 'hello' }], count: 2 },
          }),
          step('second', `${server.url}/echo`, {
            dependencies: ['first_out'],
            mapping: {
              text: '{{first_out.items[0].text}}',
              count: '{{first_out.count}}',
              whole: '{{first_out}}',
              mixed: 'n={{first_out.count}} by {{user}}',
            },
          }),
        ],
        { final_output: 'second_out' },
        { input_data: { user: 'ada' } },
      ),
    );
    expect(result.final_result).toEqual({
      text: 'hello',
      count: 2,
      whole: { items: [{ text: 'hello' }], count: 2 },
      mixed: 'n=2 by ada',
    });
    expect(result.all_outputs).toMatchObject({ user: 'ada', original_input: 'Input data' });
  });

  it('uses output "final_result", then "result", when final_output is not set', async () => {
    const result = await executeWorkflow(
      payload([step('a', `${server.url}/echo`, { outputs: ['result'], mapping: { v: 1 } })]),
    );
    expect(result.final_result).toEqual({ v: 1 });
  });

  it('sends GET mappings as query parameters and no body', async () => {
    const result = await executeWorkflow(
      payload([step('g', `${server.url}/echo`, { method: 'GET', mapping: { q: 'a b', n: 3 } })]),
    );
    const request = server.requests.at(-1)!;
    expect(request.method).toBe('GET');
    expect(request.body).toBe('');
    expect(result.all_outputs?.g_out).toEqual({ query: { q: 'a b', n: '3' } });
  });

  it('sends an Idempotency-Key of run id and usid', async () => {
    const result = await executeWorkflow(
      payload([step('idem', `${server.url}/echo`, { mapping: {} })]),
    );
    expect(server.requests.at(-1)!.headers['idempotency-key']).toBe(`${result.run_id}:idem`);
  });
});

describe('selection dependencies', () => {
  const branches = (selectUrl: string, rule = 'none_failed_min_one_success') => [
    step('router', selectUrl, { outputs: ['selection_router'] }),
    step('yes', `${server.url}/echo`, {
      dependencies: ['selection_router'],
      mapping: { branch: 'yes' },
    }),
    step('no', `${server.url}/echo`, {
      dependencies: ['selection_router'],
      mapping: { branch: 'no' },
    }),
    step('join', `${server.url}/echo`, {
      dependencies: ['yes_out', 'no_out'],
      trigger_rule: rule,
      mapping: { picked: '{{ yes_out.branch ?? no_out.branch ?? "none" }}' },
    }),
  ];

  it('runs only the selected branch and the join of an if/else', async () => {
    const result = await executeWorkflow(
      payload(branches(`${server.url}/select?name=selection_router&usids=no`)),
    );
    expect(result.success).toBe(true);
    expect(statusOf(result, 'yes')).toMatchObject({
      status: 'aborted',
      reason: 'usid not in selection_router',
    });
    expect(statusOf(result, 'no')?.status).toBe('completed');
    expect(result.all_outputs?.join_out).toEqual({ picked: 'no' });
    expect(result.all_outputs).not.toHaveProperty('yes_out');
    expect(result.steps_aborted).toBe(1);
  });

  it('accepts one usid as a string', async () => {
    const result = await executeWorkflow(
      payload([
        step('router', `${server.url}/echo`, {
          outputs: ['selection_router'],
          mapping: { selection_router: 'yes' },
        }),
        step('yes', `${server.url}/echo`, { dependencies: ['selection_router'], mapping: {} }),
      ]),
    );
    expect(statusOf(result, 'yes')?.status).toBe('completed');
  });

  it('aborts the gated steps when the selection never appears', async () => {
    const result = await executeWorkflow(
      payload(branches(`${server.url}/fail`), { error_handling: { raise_on_error: false } }),
    );
    expect(statusOf(result, 'router')?.status).toBe('failed');
    expect(statusOf(result, 'yes')).toMatchObject({
      status: 'aborted',
      reason: 'selection_router was not produced: step router failed',
    });
    expect(statusOf(result, 'join')?.status).toBe('aborted');
    expect(result.success).toBe(false);
  });

  it('reads a selection given in input_data', async () => {
    const result = await executeWorkflow(
      payload(
        [
          step('yes', `${server.url}/echo`, { dependencies: ['selection_input'], mapping: {} }),
          step('no', `${server.url}/echo`, { dependencies: ['selection_input'], mapping: {} }),
        ],
        {},
        { input_data: { selection_input: ['yes'] } },
      ),
    );
    expect(statusOf(result, 'yes')?.status).toBe('completed');
    expect(statusOf(result, 'no')).toMatchObject({
      status: 'aborted',
      reason: 'usid not in selection_input',
    });
    expect(result.success).toBe(true);
  });
});

describe('trigger rules and cascading aborts', () => {
  const failing = (rule: string) =>
    payload(
      [
        step('ok', `${server.url}/echo`, { mapping: {} }),
        step('broken', `${server.url}/fail`),
        step('join', `${server.url}/echo`, {
          dependencies: ['ok_out', 'broken_out'],
          trigger_rule: rule,
          mapping: { ok: '{{ ok_out ?? "absent" }}' },
        }),
      ],
      { error_handling: { raise_on_error: false } },
    );

  it.each([
    ['all_success', 'aborted'],
    ['none_failed_min_one_success', 'aborted'],
    ['one_success', 'completed'],
    ['all_done', 'completed'],
  ])('%s with one completed and one failed dependency ends the join %s', async (rule, expected) => {
    const result = await executeWorkflow(failing(rule));
    expect(statusOf(result, 'join')?.status).toBe(expected);
    if (expected === 'aborted')
      expect(statusOf(result, 'join')?.reason).toBe('upstream step broken failed');
  });

  it('one_success aborts when no dependency completed', async () => {
    const result = await executeWorkflow(
      payload(
        [
          step('f1', `${server.url}/fail`),
          step('f2', `${server.url}/fail`),
          step('join', `${server.url}/echo`, {
            dependencies: ['f1', 'f2'],
            trigger_rule: 'one_success',
          }),
        ],
        { error_handling: { raise_on_error: false } },
      ),
    );
    expect(statusOf(result, 'join')?.status).toBe('aborted');
    expect(result.steps_failed).toBe(2);
  });

  it('cascades aborts several levels deep, each naming its upstream step', async () => {
    const result = await executeWorkflow(
      payload(
        [
          step('l0', `${server.url}/fail`),
          step('l1', `${server.url}/echo`, { dependencies: ['l0'] }),
          step('l2', `${server.url}/echo`, { dependencies: ['l1'] }),
          step('l3', `${server.url}/echo`, { dependencies: ['l2'] }),
          step('side', `${server.url}/echo`, { mapping: {} }),
        ],
        { error_handling: { raise_on_error: false } },
      ),
    );
    expect(result.steps.map((entry) => [entry.usid, entry.status, entry.reason])).toEqual([
      ['l0', 'failed', null],
      ['l1', 'aborted', 'upstream step l0 failed'],
      ['l2', 'aborted', 'upstream step l1 was aborted'],
      ['l3', 'aborted', 'upstream step l2 was aborted'],
      ['side', 'completed', null],
    ]);
    expect(result).toMatchObject({
      success: false,
      status: 'failed',
      steps_completed: 1,
      steps_failed: 1,
      steps_aborted: 3,
    });
    expect(result.partial_outputs).toHaveProperty('side_out');
    expect(result).not.toHaveProperty('all_outputs');
    expect(result.error).toMatch(
      /^step l0 \(l0\) failed: HTTP 500 from 127\.0\.0\.1:\d+ after 1 attempt: /,
    );
  });
});

describe('raise_on_error', () => {
  it('ends the run at the first failure: pending steps aborted with the run reason', async () => {
    const result = await executeWorkflow(
      payload([
        step('bad', `${server.url}/bad`),
        step('after', `${server.url}/echo`, { dependencies: ['bad'], trigger_rule: 'all_done' }),
      ]),
    );
    expect(result).toMatchObject({
      success: false,
      status: 'failed',
      steps_failed: 1,
      steps_aborted: 1,
    });
    expect(statusOf(result, 'after')?.reason).toBe('run failed: step bad failed');
    expect(statusOf(result, 'bad')?.error).toMatch(
      /^HTTP 400 from .* after 1 attempt: \{"error":"bad input"\}$/,
    );
  });
});

describe('events', () => {
  it('emits one numbered event per state change, in order', async () => {
    const events: WorkflowEvent[] = [];
    const result = await executeWorkflow(
      payload([
        step('a', `${server.url}/echo`, { mapping: { x: 1 } }),
        step('b', `${server.url}/echo`, { dependencies: ['a'], mapping: {} }),
      ]),
      { onEvent: (event) => events.push(event) },
    );
    expect(events.map((event) => event.event)).toEqual([
      'workflow_started',
      'step_started',
      'step_completed',
      'step_started',
      'step_completed',
      'workflow_completed',
    ]);
    expect(events.map((event) => event.sequence)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(
      events.every((event) => event.run_id === result.run_id && event.namespace === 'tests'),
    ).toBe(true);
    const completed = events[2]!;
    expect(completed.data).toMatchObject({
      step_name: 'a',
      usid: 'a',
      step_index: 1,
      total_steps: 2,
      status: 'completed',
      outputs: { a_out: { x: 1 } },
    });
    expect(events.at(-1)!.data).toMatchObject({ status: 'completed', steps_completed: 2 });
  });
});

describe('invalid payloads', () => {
  it('runs nothing and throws every problem at once', async () => {
    const before = server.requests.length;
    const error = await executeWorkflow({
      STEPS_CONFIG: [
        step('a', `${server.url}/echo`, { dependencies: ['nope'] }),
        step('a', 'ftp://x'),
      ],
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.length).toBeGreaterThanOrEqual(3);
    expect(server.requests.length).toBe(before);
  });
});
