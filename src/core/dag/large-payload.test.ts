/**
 * Scale: a 10,000-step payload with about 30,000 dependencies. The time is printed, not asserted
 * (machines differ); the target is well under 100 ms for validation and planning together.
 */
import { describe, expect, it } from 'vitest';
import { validatePayload } from './index.js';

const STEPS = 10_000;

/** Deterministic pseudo-random numbers so the payload is the same on every run. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

function largePayload(): { payload: unknown; edges: number } {
  const random = lcg(42);
  let edges = 0;
  const steps = Array.from({ length: STEPS }, (_, index) => {
    const dependencies: string[] = [];
    if (index > 0) {
      for (let k = 0; k < 3; k++) {
        const up = Math.floor(random() * index);
        // Name the upstream step in each of the ways a dependency may.
        dependencies.push([`out_${up}`, `u${up}`, `step_${up}`][k] ?? '');
        edges++;
      }
    }
    return {
      step_name: `step_${index}`,
      usid: `u${index}`,
      service_url: 'https://api.example.com/v1/items/{{item_id}}',
      outputs: [`out_${index}`],
      dependencies,
      headers: { Authorization: 'Bearer {{secrets.TOKEN}}' },
      input_prep_config: { type: 'json', mapping: { text: '{{original_input}}', n: index } },
    };
  });
  return {
    payload: { workflow_id: 'large', input_data: { item_id: 7 }, STEPS_CONFIG: steps },
    edges,
  };
}

describe('a 10,000-step payload', () => {
  it('validates and plans with every edge respected (time printed)', () => {
    const { payload, edges } = largePayload();
    // Warm-up runs compile the schema check and let the JIT settle.
    for (let run = 0; run < 3; run++) validatePayload(payload);
    const times: number[] = [];
    let outcome = validatePayload(payload);
    for (let run = 0; run < 10; run++) {
      const started = performance.now();
      outcome = validatePayload(payload);
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    // eslint-disable-next-line no-console -- printing the figure is this test's purpose
    console.log(
      `validate + plan of ${STEPS} steps, ${edges} dependencies: ` +
        `median ${times[5]?.toFixed(1)} ms, best ${times[0]?.toFixed(1)} ms`,
    );
    expect(outcome.valid).toBe(true);
    if (!outcome.valid) return;
    const { workflow } = outcome;
    expect(workflow.topoOrder).toHaveLength(STEPS);
    const position = new Int32Array(STEPS);
    workflow.topoOrder.forEach((step, at) => (position[step] = at));
    const violations = workflow.steps.flatMap((step) =>
      step.upstream.filter((up) => position[up]! >= position[step.index]!),
    );
    expect(violations).toEqual([]);
    expect(workflow.steps.reduce((sum, step) => sum + step.upstream.length, 0)).toBeGreaterThan(
      25_000,
    );
  });
});
