import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validatePayload } from './index.js';

/**
 * A random DAG: node k may wait only for nodes of lower rank. Nodes are placed in the payload in
 * a random order, and each dependency names its step in a random one of the four ways.
 */
interface RandomDag {
  /** waitsFor[k]: ranks node k waits for. */
  waitsFor: number[][];
  /** placement[k]: index of node k in STEPS_CONFIG. */
  placement: number[];
  /** way[k][j]: how the j-th dependency of node k names its step. */
  ways: number[][];
}

const randomDag: fc.Arbitrary<RandomDag> = fc.integer({ min: 1, max: 25 }).chain((count) =>
  fc.record({
    waitsFor: fc.tuple(
      ...Array.from({ length: count }, (_, rank) =>
        rank === 0
          ? fc.constant<number[]>([])
          : fc.uniqueArray(fc.integer({ min: 0, max: rank - 1 }), { maxLength: 4 }),
      ),
    ),
    placement: fc.shuffledSubarray(
      Array.from({ length: count }, (_, index) => index),
      { minLength: count, maxLength: count },
    ),
    ways: fc.array(fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 4, maxLength: 4 }), {
      minLength: count,
      maxLength: count,
    }),
  }),
);

/** The four names of node k: output, usid, step_name, label. */
function nameOf(node: number, way: number): string {
  return [`out_${node}`, `u${node}`, `step ${node}`, `label:${node}`][way] ?? `u${node}`;
}

function payloadOf(dag: RandomDag, extra: { node: number; waitsFor: number } | null = null) {
  const steps: Record<string, unknown>[] = new Array(dag.waitsFor.length);
  dag.waitsFor.forEach((ups, node) => {
    const dependencies = ups.map((up, j) => nameOf(up, dag.ways[node]?.[j] ?? 0));
    if (extra?.node === node) dependencies.push(nameOf(extra.waitsFor, 1));
    steps[dag.placement[node]!] = {
      step_name: `step ${node}`,
      usid: `u${node}`,
      service_url: 'https://api.example.com/run',
      outputs: [`out_${node}`],
      labels: [`label:${node}`],
      dependencies,
    };
  });
  return { STEPS_CONFIG: steps };
}

/** Nodes reachable from `node` by following "is waited for by" edges, itself included. */
function descendants(dag: RandomDag, node: number): number[] {
  const found = new Set([node]);
  for (let rank = node + 1; rank < dag.waitsFor.length; rank++) {
    if (dag.waitsFor[rank]!.some((up) => found.has(up))) found.add(rank);
  }
  return [...found];
}

describe('random DAGs', () => {
  it('are accepted, with a topological order that respects every edge and consistent levels', () => {
    fc.assert(
      fc.property(randomDag, (dag) => {
        const outcome = validatePayload(payloadOf(dag));
        expect(outcome.valid).toBe(true);
        if (!outcome.valid) return;
        const { steps, topoOrder, levels } = outcome.workflow;
        expect([...topoOrder].sort((a, b) => a - b)).toEqual(steps.map((step) => step.index));
        expect(levels.flat()).toEqual(topoOrder);
        const position = new Map(topoOrder.map((step, at) => [step, at]));
        for (const step of steps) {
          expect(step.topoIndex).toBe(position.get(step.index)! + 1);
          for (const up of step.upstream) {
            expect(position.get(up)!).toBeLessThan(position.get(step.index)!);
            expect(steps[up]!.downstream).toContain(step.index);
          }
          const deepest = Math.max(-1, ...step.upstream.map((up) => steps[up]!.level));
          expect(step.level).toBe(deepest + 1);
          expect(levels[step.level]).toContain(step.index);
        }
        // Every generated edge is there, mapped through the placement.
        dag.waitsFor.forEach((ups, node) => {
          const upstream = steps[dag.placement[node]!]!.upstream;
          expect([...upstream].sort((a, b) => a - b)).toEqual(
            ups.map((up) => dag.placement[up]!).sort((a, b) => a - b),
          );
        });
      }),
    );
  });

  it('are rejected with a cycle error once a back-edge closes a cycle', () => {
    const withBackEdge = randomDag.chain((dag) =>
      fc
        .integer({ min: 0, max: dag.waitsFor.length - 1 })
        .chain((node) =>
          fc
            .constantFrom(...descendants(dag, node))
            .map((descendant) => ({ dag, node, descendant })),
        ),
    );
    fc.assert(
      fc.property(withBackEdge, ({ dag, node, descendant }) => {
        // node now waits for one of the steps that (transitively) waits for it.
        const outcome = validatePayload(payloadOf(dag, { node, waitsFor: descendant }));
        expect(outcome.valid).toBe(false);
        if (outcome.valid) return;
        const cycles = outcome.issues.filter((issue) => issue.code === 'cycle');
        expect(outcome.issues).toEqual(cycles);
        expect(cycles).toHaveLength(1);
        const names = cycles[0]!.message.replace(/^dependency cycle: /, '').split(' -> ');
        expect(names.length).toBeGreaterThanOrEqual(2);
        expect(names[0]).toBe(names[names.length - 1]);
        expect(names).toContain(`step ${node}`);
        expect(names).toContain(`step ${descendant}`);
      }),
    );
  });
});
