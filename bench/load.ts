/**
 * API throughput: a separate load process keeps `concurrency` requests in flight against
 * `POST /api/execute` for a fixed time and records each request's latency; the same process then
 * does the same with the floor (the workflow's calls sent straight to the target service), so
 * the two latencies compare like with like.
 */
import { Agent, request } from 'undici';
import { Floor } from './floor.js';
import { buildPayload, chainShape, checkResult, type Shape } from './shapes.js';
import { percentile } from './stats.js';
import { startApiService } from './systems.js';
import { startChild } from './child.js';

/** Input of the `load` role. */
export interface LoadInput {
  mode: 'api' | 'floor';
  /** The service's `/api/execute` URL (api) or the target's origin (floor). */
  url: string;
  origin: string;
  steps: number;
  concurrency: number;
  warmupMs: number;
  durationMs: number;
}

/** What one load run measured (after its warm-up). */
export interface LoadResult {
  readonly mode: 'api' | 'floor';
  readonly concurrency: number;
  readonly completed: number;
  readonly errors: number;
  readonly firstError: string | null;
  readonly durationMs: number;
  readonly perSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

/** Both sides of the comparison. */
export interface ThroughputResult {
  readonly api: LoadResult;
  readonly floor: LoadResult;
  readonly steps: number;
}

/**
 * Runs the API load, then the floor load, each from its own child process (on `helperCpus` when
 * given, a taskset CPU list).
 */
export async function measureThroughput(
  origin: string,
  options: Omit<LoadInput, 'mode' | 'url' | 'origin'>,
  helperCpus: string | null,
): Promise<ThroughputResult> {
  const service = await startApiService('memory');
  let api: LoadResult;
  try {
    const input: LoadInput = { ...options, mode: 'api', url: `${service.url}/api/execute`, origin };
    const child = await startChild<LoadResult>('load', input, helperCpus);
    api = child.answer;
    await child.stop();
  } finally {
    await service.close();
  }
  const input: LoadInput = { ...options, mode: 'floor', url: origin, origin };
  const child = await startChild<LoadResult>('load', input, helperCpus);
  await child.stop();
  return { api, floor: child.answer, steps: options.steps };
}

/** The `load` role: drives the load and measures it. */
export async function generateLoad(input: LoadInput): Promise<LoadResult> {
  const shape = chainShape(input.steps, 0);
  const once = input.mode === 'api' ? apiCall(input, shape) : floorCall(input, shape);
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | null = null;
  const startedAt = performance.now();
  const measureFrom = startedAt + input.warmupMs;
  const stopAt = measureFrom + input.durationMs;
  const worker = async (): Promise<void> => {
    for (;;) {
      const sent = performance.now();
      if (sent >= stopAt) return;
      try {
        await once();
        if (sent >= measureFrom) latencies.push(performance.now() - sent);
      } catch (error) {
        errors += 1;
        firstError ??= error instanceof Error ? error.message : String(error);
      }
    }
  };
  await Promise.all(Array.from({ length: input.concurrency }, worker));
  const windowMs = Math.max(performance.now() - measureFrom, 1);
  const sorted = Float64Array.from(latencies).sort();
  return {
    mode: input.mode,
    concurrency: input.concurrency,
    completed: latencies.length,
    errors,
    firstError,
    durationMs: windowMs,
    perSecond: (latencies.length * 1000) / windowMs,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted.length > 0 ? (sorted[sorted.length - 1] as number) : Number.NaN,
  };
}

function apiCall(input: LoadInput, shape: Shape): () => Promise<void> {
  const agent = new Agent({ connections: input.concurrency, keepAliveTimeout: 60_000 });
  const body = JSON.stringify(buildPayload(shape, input.origin));
  return async () => {
    const response = await request(input.url, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json' },
      dispatcher: agent,
    });
    const text = await response.body.text();
    if (response.statusCode !== 200)
      throw new Error(`HTTP ${response.statusCode}: ${text.slice(0, 200)}`);
    const problem = checkResult(shape, JSON.parse(text));
    if (problem !== null) throw new Error(problem);
  };
}

function floorCall(input: LoadInput, shape: Shape): () => Promise<void> {
  const floor = new Floor();
  return () => floor.run(shape, input.origin);
}
