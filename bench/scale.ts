/**
 * Scale measurements: validation and planning of a 10,000-step DAG, and peak memory while many
 * runs execute at once in one process (the `rss` child role).
 */
import { UndiciStepExecutor } from '../src/adapters/executor/http/index.js';
import { executeWorkflow } from '../src/app/execute-workflow.js';
import { resolveWorkflow } from '../src/core/dag/index.js';
import { buildPayload, checkResult, fanoutShape, seededRandom, type Shape } from './shapes.js';
import { summarize, type Summary } from './stats.js';

/** What {@link measurePlanning} found. */
export interface PlanningResult {
  readonly steps: number;
  readonly edges: number;
  /** The first call, before the JIT warmed up, in ms. */
  readonly coldMs: number;
  /** Later calls, in ms. */
  readonly warm: Summary;
}

/**
 * A DAG of `steps` steps where each step after the first depends on up to three earlier steps
 * picked at random (seeded), with a templated body naming each of them, like the bench shapes.
 */
export function largeShape(steps: number, dependenciesPerStep = 3): Shape {
  const random = seededRandom(42);
  const upstream = Array.from({ length: steps }, (_, i) => {
    const picked = new Set<number>();
    for (let k = 0; k < dependenciesPerStep && i > 0; k++) picked.add(Math.floor(random() * i));
    return [...picked];
  });
  return { id: `large-${steps}`, label: `${steps} steps`, kind: 'random', delayMs: 0, upstream };
}

/** Times `resolveWorkflow` (validation, dependency resolution, cycle check, order, templates). */
export function measurePlanning(steps: number, runs: number): PlanningResult {
  const shape = largeShape(steps);
  const payload = buildPayload(shape, 'http://127.0.0.1:9');
  const edges = shape.upstream.reduce((sum, list) => sum + list.length, 0);
  let started = performance.now();
  const first = resolveWorkflow(payload);
  const coldMs = performance.now() - started;
  if (first.steps.length !== steps)
    throw new Error(`planning returned ${first.steps.length} steps`);
  for (let i = 0; i < 3; i++) resolveWorkflow(payload);
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    started = performance.now();
    resolveWorkflow(payload);
    samples.push(performance.now() - started);
  }
  return { steps, edges, coldMs, warm: summarize(samples) };
}

/** Input of the `rss` role. */
export interface RssInput {
  origin: string;
  runs: number;
  /** Each run is a fan-out of this width: width + 2 steps. */
  width: number;
  delayMs: number;
}

/** Answer of the `rss` role. */
export interface RssResult {
  readonly runs: number;
  readonly stepsPerRun: number;
  readonly correct: number;
  /** First problem found in a wrong result, if any. */
  readonly problem: string | null;
  /** Resident set size before the runs started, in MiB. */
  readonly baselineRssMiB: number;
  /** Highest resident set size of the process, in MiB. */
  readonly peakRssMiB: number;
  readonly durationMs: number;
}

/** Starts `runs` runs at once in this process, waits for all, checks every result. */
export async function measureConcurrentRuns(input: RssInput): Promise<RssResult> {
  const shape = fanoutShape(input.width, input.delayMs);
  const payload = buildPayload(shape, input.origin);
  const executor = new UndiciStepExecutor();
  const baselineRssMiB = process.memoryUsage().rss / 2 ** 20;
  const started = performance.now();
  try {
    const results = await Promise.all(
      Array.from({ length: input.runs }, () => executeWorkflow(payload, { executor, secrets: {} })),
    );
    const durationMs = performance.now() - started;
    let correct = 0;
    let problem: string | null = null;
    for (const result of results) {
      const found = checkResult(shape, result);
      if (found === null) correct += 1;
      else problem ??= found;
    }
    return {
      runs: input.runs,
      stepsPerRun: shape.upstream.length,
      correct,
      problem,
      baselineRssMiB,
      // maxRSS is reported in KiB.
      peakRssMiB: process.resourceUsage().maxRSS / 1024,
      durationMs,
    };
  } finally {
    await executor.close();
  }
}
