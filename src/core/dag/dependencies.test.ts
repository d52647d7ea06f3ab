import { describe, expect, it } from 'vitest';
import { issuesOf, resolved, stepConfig } from '../../../test/helpers/dag-payloads.js';

/** These tests name steps `<usid>_name`, to tell names from usids. */
function step(usid: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return stepConfig(usid, { step_name: `${usid}_name`, ...extra });
}

describe('dependency resolution', () => {
  it.each([
    ['an output', 'a_out'],
    ['a usid', 'a'],
    ['a step_name', 'a_name'],
    ['a label', 'workflow:demo:0'],
  ])('finds the step by %s', (_way, name) => {
    const workflow = resolved({
      STEPS_CONFIG: [
        step('a', { labels: ['workflow:demo:0'] }),
        step('b', { dependencies: [name] }),
      ],
    });
    expect(workflow.steps[1]?.dependencies).toEqual([{ kind: 'step', name, stepIndex: 0 }]);
    expect(workflow.steps[1]?.upstream).toEqual([0]);
    expect(workflow.steps[0]?.downstream).toEqual([1]);
  });

  it('accepts a name that fits one step in several ways', () => {
    const workflow = resolved({
      STEPS_CONFIG: [
        step('a', { step_name: 'a', outputs: ['a'] }),
        step('b', { dependencies: ['a'] }),
      ],
    });
    expect(workflow.steps[1]?.dependencies).toEqual([{ kind: 'step', name: 'a', stepIndex: 0 }]);
  });

  it('keeps upstream and downstream distinct when a step is named twice', () => {
    const workflow = resolved({
      STEPS_CONFIG: [step('a'), step('b', { dependencies: ['a', 'a_out', 'a_name'] })],
    });
    expect(workflow.steps[1]?.dependencies).toHaveLength(3);
    expect(workflow.steps[1]?.upstream).toEqual([0]);
    expect(workflow.steps[0]?.downstream).toEqual([1]);
  });

  it('reports a step_name two steps share as ambiguous, naming both', () => {
    const issues = issuesOf({
      STEPS_CONFIG: [
        step('a', { step_name: 'summarize' }),
        step('b', { step_name: 'summarize' }),
        step('c', { dependencies: ['summarize'] }),
      ],
    });
    expect(issues).toEqual([
      {
        path: '/STEPS_CONFIG/2/dependencies/0',
        code: 'ambiguous_dependency',
        message:
          'ambiguous dependency "summarize": it fits 2 steps: ' +
          '"summarize" (/STEPS_CONFIG/0, by step_name), "summarize" (/STEPS_CONFIG/1, by step_name)',
      },
    ]);
  });

  it("reports an output of one step that is another's usid as ambiguous", () => {
    const issues = issuesOf({
      STEPS_CONFIG: [step('a', { outputs: ['b'] }), step('b'), step('c', { dependencies: ['b'] })],
    });
    expect(issues[0]?.code).toBe('ambiguous_dependency');
    expect(issues[0]?.message).toContain('(/STEPS_CONFIG/0, by output)');
    expect(issues[0]?.message).toContain('(/STEPS_CONFIG/1, by usid)');
  });

  it('reports an unknown name with a few known outputs', () => {
    const steps = Array.from({ length: 8 }, (_, index) => step(`s${index}`));
    steps.push(step('z', { dependencies: ['fetch_user'] }));
    expect(issuesOf({ STEPS_CONFIG: steps })).toEqual([
      {
        path: '/STEPS_CONFIG/8/dependencies/0',
        code: 'unknown_dependency',
        message:
          'unknown dependency "fetch_user": no step has it as output, usid, step_name or label, ' +
          'and input_data has no such key (known outputs: "s0_out", "s1_out", "s2_out", "s3_out", ' +
          '"s4_out" and 4 more)',
      },
    ]);
  });

  it('reports every bad dependency, each at its own pointer', () => {
    const issues = issuesOf({
      STEPS_CONFIG: [
        step('a', { dependencies: ['x', 'a_out', 'y'] }),
        step('b', { dependencies: ['z'] }),
      ],
    });
    expect(issues.map((issue) => issue.path)).toEqual([
      '/STEPS_CONFIG/0/dependencies/0',
      '/STEPS_CONFIG/0/dependencies/2',
      '/STEPS_CONFIG/1/dependencies/0',
      // a_out names step a itself: a cycle.
      '/STEPS_CONFIG/0/dependencies/1',
    ]);
  });

  it('treats an input_data key or original_input as already satisfied', () => {
    const workflow = resolved({
      input_data: { document: 'text' },
      STEPS_CONFIG: [step('a', { dependencies: ['document', 'original_input'] })],
    });
    expect(workflow.steps[0]?.dependencies).toEqual([
      { kind: 'input', name: 'document' },
      { kind: 'input', name: 'original_input' },
    ]);
    expect(workflow.steps[0]?.upstream).toEqual([]);
    expect(workflow.steps[0]?.level).toBe(0);
  });

  it('waits for the step when an output has the name of an input_data key', () => {
    const workflow = resolved({
      input_data: { summary: 'draft' },
      STEPS_CONFIG: [step('a', { outputs: ['summary'] }), step('b', { dependencies: ['summary'] })],
    });
    expect(workflow.steps[1]?.dependencies).toEqual([
      { kind: 'step', name: 'summary', stepIndex: 0 },
    ]);
  });
});

describe('selection dependencies', () => {
  it('waits for the step that produces the selection', () => {
    const workflow = resolved({
      input_data: { selection_router: ['b'] },
      STEPS_CONFIG: [
        step('router', { outputs: ['selection_router'] }),
        step('b', { dependencies: ['selection_router'] }),
      ],
    });
    expect(workflow.steps[1]?.dependencies).toEqual([
      { kind: 'selection', name: 'selection_router', stepIndex: 0 },
    ]);
    expect(workflow.steps[1]?.upstream).toEqual([0]);
    expect(workflow.steps[1]?.level).toBe(1);
  });

  it('takes a selection given in input_data as known at start', () => {
    const workflow = resolved({
      input_data: { selection_manual: ['b'] },
      STEPS_CONFIG: [step('b', { dependencies: ['selection_manual'] })],
    });
    expect(workflow.steps[0]?.dependencies).toEqual([
      { kind: 'input-selection', name: 'selection_manual' },
    ]);
    expect(workflow.steps[0]?.upstream).toEqual([]);
  });

  it('rejects a selection that neither a step nor input_data provides', () => {
    expect(
      issuesOf({
        STEPS_CONFIG: [
          step('selection_x', { step_name: 'selection_x' }),
          step('b', { dependencies: ['selection_x'] }),
        ],
      }),
    ).toEqual([
      {
        path: '/STEPS_CONFIG/1/dependencies/0',
        code: 'unknown_selection',
        message:
          'unknown selection "selection_x": no step lists it in outputs and input_data has no such key',
      },
    ]);
  });
});
