import { describe, expect, it } from 'vitest';
import { validatePayload } from './index.js';
import { issuesOf } from '../../../test/helpers/dag-payloads.js';

function step(name: string, dependencies: string[] = []): Record<string, unknown> {
  return {
    step_name: name,
    usid: `u_${name}`,
    service_url: 'https://api.example.com/run',
    outputs: [`${name}_out`],
    dependencies,
  };
}

describe('dependency cycles', () => {
  it('rejects a step that depends on itself', () => {
    expect(issuesOf({ STEPS_CONFIG: [step('a'), step('b', ['a', 'b_out'])] })).toEqual([
      {
        path: '/STEPS_CONFIG/1/dependencies/1',
        code: 'cycle',
        message: 'dependency cycle: b -> b',
      },
    ]);
  });

  it('names the whole cycle, from its first step, at the dependency that closes it', () => {
    // a waits for c, b for a, c for b: a -> b -> c -> a, closed by a's dependency on c.
    const issues = issuesOf({
      STEPS_CONFIG: [step('a', ['x_out', 'c']), step('b', ['a']), step('c', ['b']), step('x')],
    });
    expect(issues).toEqual([
      {
        path: '/STEPS_CONFIG/0/dependencies/1',
        code: 'cycle',
        message: 'dependency cycle: a -> b -> c -> a',
      },
    ]);
  });

  it('reports one error per separate cycle and none for steps merely downstream of one', () => {
    const issues = issuesOf({
      STEPS_CONFIG: [
        step('a', ['b']),
        step('b', ['a']),
        step('after', ['a', 'b']),
        step('c', ['d']),
        step('d', ['e']),
        step('e', ['c']),
      ],
    });
    expect(issues.map((issue) => [issue.path, issue.message])).toEqual([
      ['/STEPS_CONFIG/0/dependencies/0', 'dependency cycle: a -> b -> a'],
      ['/STEPS_CONFIG/3/dependencies/0', 'dependency cycle: c -> e -> d -> c'],
    ]);
  });

  it('reports the shortest way back when a group holds several cycles', () => {
    const issues = issuesOf({
      STEPS_CONFIG: [step('a', ['d', 'b']), step('b', ['a']), step('c', ['b']), step('d', ['c'])],
    });
    expect(issues.map((issue) => issue.message)).toEqual(['dependency cycle: a -> b -> a']);
    expect(issues[0]?.path).toBe('/STEPS_CONFIG/0/dependencies/1');
  });

  it('counts a selection dependency as an edge of a cycle', () => {
    const router = { ...step('router', ['worker']), outputs: ['selection_router'] };
    const issues = issuesOf({ STEPS_CONFIG: [router, step('worker', ['selection_router'])] });
    expect(issues.map((issue) => issue.message)).toEqual([
      'dependency cycle: router -> worker -> router',
    ]);
  });

  it('handles a 10,000-step chain, and a cycle through all of it, without deep recursion', () => {
    const count = 10_000;
    const chain = Array.from({ length: count }, (_, index) =>
      step(`s${index}`, index === 0 ? [] : [`s${index - 1}`]),
    );
    const outcome = validatePayload({ STEPS_CONFIG: chain });
    expect(outcome.valid).toBe(true);
    if (outcome.valid) expect(outcome.workflow.levels).toHaveLength(count);

    chain[0] = step('s0', [`s${count - 1}`]);
    const issues = issuesOf({ STEPS_CONFIG: chain });
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toBe('/STEPS_CONFIG/0/dependencies/0');
    expect(issues[0]?.message).toMatch(
      /^dependency cycle: s0 -> s1 -> .* -> \.\.\. \(9986 more steps\) -> .* -> s9999 -> s0$/,
    );
  });
});
