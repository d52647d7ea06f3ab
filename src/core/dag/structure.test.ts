import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ValidationIssue } from '../errors.js';
import { validatePayload } from './index.js';
import { issuesOf, stepConfig } from '../../../test/helpers/dag-payloads.js';

function issueAt(payload: unknown, path: string): ValidationIssue | undefined {
  return issuesOf(payload).find((issue) => issue.path === path);
}

describe('structural validation', () => {
  it('says a missing required field "is required" at its pointer', () => {
    const withoutUsid = stepConfig('a');
    delete withoutUsid.usid;
    expect(issueAt({ STEPS_CONFIG: [withoutUsid] }, '/STEPS_CONFIG/0/usid')).toEqual({
      path: '/STEPS_CONFIG/0/usid',
      code: 'required',
      message: 'is required',
    });
    expect(issueAt({}, '/STEPS_CONFIG')?.message).toBe('is required');
  });

  it('names the expected and the received type', () => {
    const payload = { workflow_id: 5, STEPS_CONFIG: [stepConfig('a', { service_url: 42 })] };
    expect(issueAt(payload, '/workflow_id')).toMatchObject({
      code: 'type',
      message: 'must be a string, got number',
    });
    expect(issueAt(payload, '/STEPS_CONFIG/0/service_url')?.message).toBe(
      'must be a string, got number',
    );
    expect(issueAt({ STEPS_CONFIG: {} }, '/STEPS_CONFIG')?.message).toBe(
      'must be an array, got object',
    );
    expect(issueAt({ STEPS_CONFIG: [null] }, '/STEPS_CONFIG/0')?.message).toBe(
      'must be an object, got null',
    );
    expect(
      issueAt({ STEPS_CONFIG: [stepConfig('a')], input_data: [] }, '/input_data')?.message,
    ).toBe('must be an object, got array');
  });

  it('shows a number of the wrong kind as itself', () => {
    expect(
      issueAt(
        { STEPS_CONFIG: [stepConfig('a', { max_retries: 1.5 })] },
        '/STEPS_CONFIG/0/max_retries',
      )?.message,
    ).toBe('must be an integer, got 1.5');
  });

  it('collapses a union of literals into one "must be one of" sentence', () => {
    const issues = issuesOf({ STEPS_CONFIG: [stepConfig('a', { method: 'FETCH' })] });
    expect(issues.filter((issue) => issue.path === '/STEPS_CONFIG/0/method')).toEqual([
      {
        path: '/STEPS_CONFIG/0/method',
        code: 'enum',
        message: 'must be one of GET, POST, PUT, PATCH, DELETE, got "FETCH"',
      },
    ]);
    expect(
      issueAt(
        { STEPS_CONFIG: [stepConfig('a', { trigger_rule: 3 })] },
        '/STEPS_CONFIG/0/trigger_rule',
      )?.message,
    ).toBe('must be one of all_success, none_failed_min_one_success, one_success, all_done, got 3');
  });

  it('shows the usid pattern without anchors', () => {
    expect(issueAt({ STEPS_CONFIG: [stepConfig('bad id')] }, '/STEPS_CONFIG/0/usid')).toEqual({
      path: '/STEPS_CONFIG/0/usid',
      code: 'pattern',
      message: 'must match [A-Za-z0-9_.:-]{1,64}, got "bad id"',
    });
  });

  it('rejects empty names, empty lists and negative times', () => {
    const payload = {
      STEPS_CONFIG: [stepConfig('a', { step_name: '', outputs: [], retry_delay: -1 })],
    };
    expect(issueAt(payload, '/STEPS_CONFIG/0/step_name')).toMatchObject({
      code: 'too_short',
      message: 'must not be empty',
    });
    expect(issueAt(payload, '/STEPS_CONFIG/0/outputs')).toMatchObject({
      code: 'too_few',
      message: 'must not be empty',
    });
    expect(issueAt(payload, '/STEPS_CONFIG/0/retry_delay')).toMatchObject({
      code: 'minimum',
      message: 'must be >= 0, got -1',
    });
    expect(issueAt({ STEPS_CONFIG: [] }, '/STEPS_CONFIG')?.message).toBe('must not be empty');
  });

  it('reports every structural problem at once, one per place', () => {
    const issues = issuesOf({
      STEPS_CONFIG: [stepConfig('a', { method: 'FETCH', outputs: 'a_out' }), 7],
      PIPELINE_SETTINGS: { concurrency: { max_parallel_steps: 0 } },
    });
    expect(issues.map((issue) => issue.path)).toEqual([
      '/STEPS_CONFIG/0/method',
      '/STEPS_CONFIG/0/outputs',
      '/STEPS_CONFIG/1',
      '/PIPELINE_SETTINGS/concurrency/max_parallel_steps',
    ]);
  });

  it('escapes header names in pointers', () => {
    const payload = { STEPS_CONFIG: [stepConfig('a', { headers: { 'x/y~z': 1 } })] };
    expect(issueAt(payload, '/STEPS_CONFIG/0/headers/x~1y~0z')?.message).toBe(
      'must be a string, got number',
    );
  });

  it('keeps and ignores unknown fields everywhere', () => {
    const payload = {
      future_field: { any: 'thing' },
      STEPS_CONFIG: [
        stepConfig('a', {
          description: 'free text',
          service_type: 'DIRECT',
          input_prep_config: { type: 'json', mapping: {}, extra: true },
        }),
      ],
      PIPELINE_SETTINGS: { error_handling: { jitter: 'full' }, later: [1, 2] },
    };
    const outcome = validatePayload(payload);
    expect(outcome.valid).toBe(true);
    if (!outcome.valid) return;
    expect(outcome.workflow.payload).toBe(payload);
    expect((outcome.workflow.payload as Record<string, unknown>).future_field).toEqual({
      any: 'thing',
    });
  });
});

describe('junk input', () => {
  const junk: unknown[] = [
    null,
    undefined,
    0,
    Number.NaN,
    'STEPS_CONFIG',
    [],
    [stepConfig('a')],
    { STEPS_CONFIG: [[], 'x', { usid: {} }] },
    { STEPS_CONFIG: [stepConfig('a', { dependencies: [1, null, {}, ''], labels: 'x' })] },
    { STEPS_CONFIG: [stepConfig('a', { headers: 'x', input_prep_config: [] })] },
    { STEPS_CONFIG: [stepConfig('a')], PIPELINE_SETTINGS: 'fast' },
    { STEPS_CONFIG: [stepConfig('a')], PIPELINE_SETTINGS: { notifications: { events: [1, '*'] } } },
    { STEPS_CONFIG: [stepConfig('a', { timeout: Infinity, retry_delay: Number.NaN })] },
  ];

  it.each(junk.map((value) => [value]))('rejects %j with issues instead of throwing', (value) => {
    const outcome = validatePayload(value);
    expect(outcome.valid).toBe(false);
    if (!outcome.valid) expect(outcome.issues.length).toBeGreaterThan(0);
  });

  it('rejects a deeply nested mapping without exhausting the stack', () => {
    let mapping: unknown = '{{original_input}}';
    for (let depth = 0; depth < 100_000; depth++) mapping = [mapping];
    const issue = issueAt(
      { STEPS_CONFIG: [stepConfig('a', { input_prep_config: { mapping } })] },
      '/STEPS_CONFIG/0/input_prep_config/mapping',
    );
    expect(issue?.code).toBe('too_deep');
  });

  it('ignores deeply nested unknown fields', () => {
    let junkValue: unknown = 1;
    for (let depth = 0; depth < 100_000; depth++) junkValue = { junkValue };
    expect(
      validatePayload({ STEPS_CONFIG: [stepConfig('a', { junkValue })], junkValue }).valid,
    ).toBe(true);
  });

  it('never throws for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(typeof validatePayload(value).valid).toBe('boolean');
      }),
    );
  });

  it('never throws when any part of a valid payload is replaced by junk', () => {
    const base = {
      input_data: { k: 1, selection_in: ['b'] },
      STEPS_CONFIG: [
        stepConfig('a', { outputs: ['a_out', 'selection_a'], headers: { A: '{{k}}' } }),
        stepConfig('b', {
          dependencies: ['a_out', 'selection_a', 'selection_in', 'k'],
          input_prep_config: { type: 'json', mapping: { t: '{{a_out}}' } },
          timeout: 5,
        }),
      ],
      PIPELINE_SETTINGS: {
        error_handling: { max_retries: 1 },
        notifications: { webhook_url: 'https://hooks.example.com/x', events: ['*'] },
        final_output: 'b_out',
      },
    };
    const paths = leafPaths(base);
    fc.assert(
      fc.property(fc.constantFrom(...paths), fc.jsonValue(), (path, replacement) => {
        const copy = structuredClone(base) as Record<string, unknown>;
        setAt(copy, path, replacement);
        expect(typeof validatePayload(copy).valid).toBe('boolean');
      }),
    );
  });
});

function leafPaths(value: unknown, prefix: string[] = []): string[][] {
  if (typeof value !== 'object' || value === null) return [prefix];
  const own = Object.entries(value).flatMap(([key, child]) => leafPaths(child, [...prefix, key]));
  return prefix.length === 0 ? own : [prefix, ...own];
}

function setAt(target: Record<string, unknown>, path: string[], replacement: unknown): void {
  let node: Record<string, unknown> = target;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
  node[path[path.length - 1]!] = replacement;
}
