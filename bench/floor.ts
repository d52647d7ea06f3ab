/**
 * The floor: the same requests as the engine sends (method, URL, headers, bodies), issued by
 * undici directly with the engine's Agent settings, in a minimal loop that starts each step as
 * soon as its last dependency answered. No validation, templates, timers, history or events: what
 * is left is the cost of the HTTP calls themselves.
 */
import { Agent, type Dispatcher } from 'undici';
import {
  DEFAULT_CONNECTIONS_PER_ORIGIN,
  DEFAULT_KEEP_ALIVE_TIMEOUT_MS,
} from '../src/adapters/executor/http/index.js';
import { stepBody, stepUrl, type Shape } from './shapes.js';

type Done = (error: Error | null, status: number, body: string) => void;

/** Same length as a run id (a ULID), so the headers weigh the same as the engine's. */
const FLOOR_RUN_ID = '00000000000000000000000000';

/** Collects one response and calls back once. */
class Exchange implements Dispatcher.DispatchHandler {
  private status = 0;
  private readonly chunks: Buffer[] = [];

  constructor(private readonly done: Done) {}

  onRequestStart(): void {}

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number): void {
    this.status = statusCode;
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.chunks.push(chunk);
  }

  onResponseEnd(): void {
    const { chunks } = this;
    const body =
      chunks.length === 1
        ? (chunks[0] as Buffer).toString('utf8')
        : Buffer.concat(chunks).toString('utf8');
    this.done(null, this.status, body);
  }

  onResponseError(_controller: Dispatcher.DispatchController | undefined, error: Error): void {
    this.done(error, 0, '');
  }
}

/** Downstream lists, computed once per shape. */
const downstreamOf = new WeakMap<Shape, number[][]>();

function downstream(workflow: Shape): number[][] {
  let lists = downstreamOf.get(workflow);
  if (lists === undefined) {
    const built: number[][] = workflow.upstream.map(() => []);
    workflow.upstream.forEach((ups, i) => ups.forEach((j) => built[j]?.push(i)));
    downstreamOf.set(workflow, built);
    lists = built;
  }
  return lists;
}

/** Issues a shape's requests with undici alone. */
export class Floor {
  private readonly agent: Agent;

  /** Pool settings default to the engine executor's. */
  constructor(
    connections = DEFAULT_CONNECTIONS_PER_ORIGIN,
    keepAliveTimeoutMs = DEFAULT_KEEP_ALIVE_TIMEOUT_MS,
  ) {
    this.agent = new Agent({
      connections,
      keepAliveTimeout: keepAliveTimeoutMs,
      headersTimeout: 0,
      bodyTimeout: 0,
    });
  }

  /** Runs every step of `workflow` once; rejects on the first wrong answer. */
  run(workflow: Shape, origin: string): Promise<void> {
    const { upstream } = workflow;
    const after = downstream(workflow);
    const count = upstream.length;
    const remaining = Int32Array.from(upstream, (list) => list.length);
    const echoes: string[] = new Array<string>(count);
    const path = stepUrl('', workflow);
    return new Promise<void>((resolve, reject) => {
      let finished = 0;
      let failed = false;
      const start = (i: number): void => {
        const ups = upstream[i] as readonly number[];
        const body = stepBody(
          i,
          ups.map((j) => echoes[j] as string),
        );
        const headers = {
          'Content-Type': 'application/json',
          'Idempotency-Key': `${FLOOR_RUN_ID}:s${i}`,
        };
        const onDone: Done = (error, status, text) => {
          if (failed) return;
          const echo =
            error === null && status === 200
              ? (JSON.parse(text) as { echo?: string }).echo
              : undefined;
          if (echo !== `s${i}`) {
            failed = true;
            reject(
              error ?? new Error(`floor: step s${i} got HTTP ${status}: ${text.slice(0, 200)}`),
            );
            return;
          }
          echoes[i] = echo;
          finished += 1;
          for (const next of after[i] as number[]) {
            remaining[next] = (remaining[next] ?? 0) - 1;
            if (remaining[next] === 0) start(next);
          }
          if (finished === count) resolve();
        };
        this.agent.dispatch({ origin, path, method: 'POST', headers, body }, new Exchange(onDone));
      };
      for (let i = 0; i < count; i++) if (remaining[i] === 0) start(i);
    });
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}
