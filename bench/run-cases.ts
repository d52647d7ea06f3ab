/**
 * Runs one case on every system: warm-up runs, then timed runs with the systems interleaved and
 * their order rotated each round, so drift of the machine (other load, CPU frequency, a growing
 * heap) falls on all systems alike. Every run's result is checked after its clock stopped. No
 * collection is forced between runs: a forced full GC leaves the next run about twice as slow
 * (measured on the floor), which would time a cold process rather than a serving one.
 */
import type { Shape } from './shapes.js';
import { summarize, type Summary } from './stats.js';
import type { BenchSystem, SystemName } from './systems.js';

/** How often each system runs a case. */
export interface Repetitions {
  warmups: number;
  runs: number;
}

/** The timings of one case. */
export interface CaseResult {
  readonly shape: Shape;
  /** Wall time of one whole run, in ms, per system. */
  readonly timings: ReadonlyMap<SystemName, Summary>;
}

/** Runs `shape` on each system; throws when a run's result is wrong. */
export async function runCase(
  shape: Shape,
  systems: readonly BenchSystem[],
  repetitions: Repetitions,
): Promise<CaseResult> {
  for (let round = 0; round < repetitions.warmups; round++) {
    for (const system of rotate(systems, round)) await timeOne(system, shape);
  }
  const samples = new Map<SystemName, number[]>(systems.map((system) => [system.name, []]));
  for (let round = 0; round < repetitions.runs; round++) {
    for (const system of rotate(systems, round))
      samples.get(system.name)?.push(await timeOne(system, shape));
  }
  const timings = new Map<SystemName, Summary>();
  for (const [name, list] of samples) timings.set(name, summarize(list));
  return { shape, timings };
}

async function timeOne(system: BenchSystem, shape: Shape): Promise<number> {
  const started = performance.now();
  const check = await system.run(shape);
  const elapsed = performance.now() - started;
  try {
    check();
  } catch (error) {
    throw new Error(`${system.name}: wrong result for ${shape.label}`, { cause: error });
  }
  return elapsed;
}

function rotate<T>(items: readonly T[], by: number): T[] {
  const shift = items.length === 0 ? 0 : by % items.length;
  return [...items.slice(shift), ...items.slice(0, shift)];
}
