/**
 * Workflow shapes of the benchmark and the payloads made from them. A shape is a list of steps,
 * each with the indexes of the steps it depends on; the payload and the floor both derive the
 * request of step i from it, so both send byte-identical bodies:
 * `{"step":"s<i>","after":["s<j>",...]}` to `POST <origin>/step?delay=<ms>`.
 */

/** The four standard shapes, and `random` for the large planning DAG. */
export type ShapeKind = 'chain' | 'fanout' | 'layers' | 'wide' | 'random';

/** One benchmark workflow. */
export interface Shape {
  /** Stable id, e.g. `chain-2000x0ms`. */
  readonly id: string;
  /** For tables, e.g. `chain 2000 × 0 ms`. */
  readonly label: string;
  readonly kind: ShapeKind;
  /** The service's answer delay for every step, in ms. */
  readonly delayMs: number;
  /** `upstream[i]`: indexes of the steps step i depends on (all lower than i). */
  readonly upstream: readonly (readonly number[])[];
}

/** Highest max_parallel_steps a payload may ask for: concurrency is bounded by the pool alone. */
export const BENCH_MAX_PARALLEL_STEPS = 1_000;

/** N steps in sequence. */
export function chainShape(steps: number, delayMs: number): Shape {
  const upstream = Array.from({ length: steps }, (_, i) => (i === 0 ? [] : [i - 1]));
  return shape('chain', `${steps}`, delayMs, upstream);
}

/** N independent steps. */
export function wideShape(steps: number, delayMs: number): Shape {
  return shape(
    'wide',
    `${steps}`,
    delayMs,
    Array.from({ length: steps }, () => []),
  );
}

/** One step, then N steps depending on it, then one join depending on all N. */
export function fanoutShape(width: number, delayMs: number): Shape {
  const middle = Array.from({ length: width }, (_, i) => i + 1);
  const upstream = [[], ...middle.map(() => [0]), middle];
  return shape('fanout', `${width}`, delayMs, upstream);
}

/**
 * `layers` layers of `width` steps; each step after the first layer depends on two different
 * steps of the layer before, picked by a seeded generator (the same graph on every run).
 */
export function layersShape(layers: number, width: number, delayMs: number, seed = 7): Shape {
  const random = seededRandom(seed);
  const upstream: number[][] = [];
  for (let layer = 0; layer < layers; layer++) {
    for (let column = 0; column < width; column++) {
      if (layer === 0) {
        upstream.push([]);
        continue;
      }
      const base = (layer - 1) * width;
      const first = Math.floor(random() * width);
      const second = width > 1 ? (first + 1 + Math.floor(random() * (width - 1))) % width : first;
      upstream.push(first === second ? [base + first] : [base + first, base + second]);
    }
  }
  return shape('layers', `${layers}x${width}`, delayMs, upstream);
}

/** Number of dependency edges of a shape. */
export function edgeCount(workflow: Shape): number {
  return workflow.upstream.reduce((sum, list) => sum + list.length, 0);
}

/** The URL every step of `workflow` calls. */
export function stepUrl(origin: string, workflow: Shape): string {
  return `${origin}/step?delay=${workflow.delayMs}`;
}

/** The body step `index` sends, given the `echo` of each of its upstream steps in order. */
export function stepBody(index: number, upstreamEchoes: readonly string[]): string {
  return JSON.stringify({ step: `s${index}`, after: upstreamEchoes });
}

/** The engine payload of `workflow` against the service at `origin`. */
export function buildPayload(workflow: Shape, origin: string): Record<string, unknown> {
  const url = stepUrl(origin, workflow);
  return {
    workflow_id: `bench-${workflow.id}`,
    namespace: 'bench',
    original_input: null,
    STEPS_CONFIG: workflow.upstream.map((upstream, i) => ({
      step_name: `s${i}`,
      usid: `s${i}`,
      service_url: url,
      method: 'POST',
      outputs: [`o${i}`],
      dependencies: upstream.map((j) => `o${j}`),
      input_prep_config: {
        type: 'json',
        mapping: { step: `s${i}`, after: upstream.map((j) => `{{o${j}.echo}}`) },
      },
    })),
    PIPELINE_SETTINGS: {
      error_handling: { max_retries: 0, raise_on_error: true },
      timeouts: { step_timeout: 60, http_timeout: 60, total_pipeline_timeout: 600 },
      concurrency: { max_parallel_steps: BENCH_MAX_PARALLEL_STEPS },
    },
  };
}

/**
 * Why a run's result is wrong, or null when it is right: success, every step completed, and
 * output `o<i>` of every step equal to `{ echo: "s<i>" }`.
 */
export function checkResult(workflow: Shape, result: unknown): string | null {
  if (result === null || typeof result !== 'object') return 'the result is not an object';
  const {
    success,
    steps_completed: completed,
    all_outputs: outputs,
    error,
  } = result as {
    success?: unknown;
    steps_completed?: unknown;
    all_outputs?: Record<string, { echo?: unknown } | undefined>;
    error?: unknown;
  };
  if (success !== true) return `the run failed: ${String(error)}`;
  const steps = workflow.upstream.length;
  if (completed !== steps) return `${String(completed)} of ${steps} steps completed`;
  for (let i = 0; i < steps; i++) {
    if (outputs?.[`o${i}`]?.echo !== `s${i}`) return `output o${i} is wrong`;
  }
  return null;
}

function shape(kind: ShapeKind, size: string, delayMs: number, upstream: number[][]): Shape {
  return {
    id: `${kind}-${size}x${delayMs}ms`,
    label: `${kind} ${size.replace('x', '×')} × ${delayMs} ms`,
    kind,
    delayMs,
    upstream,
  };
}

/** A small deterministic generator (LCG), so seeded shapes are the same everywhere. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}
