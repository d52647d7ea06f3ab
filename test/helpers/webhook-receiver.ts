/**
 * A scripted webhook receiver on 127.0.0.1 (port 0) for notifier tests, with what those tests feed
 * it: sample run events and a logger that records its calls.
 */
import { EventEmitter } from 'node:events';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WorkflowEvent } from '../../src/core/run/types.js';
import type { Logger } from '../../src/ports/logger.js';

/** How the receiver answers one request: a status code, or never. */
export type ReceiverReply = number | 'hang';

/** One request as the receiver saw it. */
export interface ReceivedRequest {
  method: string;
  /** Path and query. */
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The status answered; null while unanswered (or never, for `hang`). */
  status: number | null;
  /** True once the client closed the connection before an answer. */
  aborted: boolean;
}

/** Decides the reply; may wait (return a promise) before answering. */
export type ReceiverScript = (
  request: ReceivedRequest,
  index: number,
) => ReceiverReply | Promise<ReceiverReply>;

export interface WebhookReceiver {
  /** `http://127.0.0.1:<port>`, without a trailing slash. */
  origin: string;
  received: ReceivedRequest[];
  /** Resolves once `predicate(received)` holds; rejects after `timeoutMs` (default 5000). */
  waitFor(predicate: (received: ReceivedRequest[]) => boolean, timeoutMs?: number): Promise<void>;
  /** Drops open connections, then stops listening; later calls return the same promise. */
  close(): Promise<void>;
}

/** Starts a receiver that answers each request as `script` says (200 by default). */
export async function startWebhookReceiver(
  script: ReceiverScript = () => 200,
): Promise<WebhookReceiver> {
  const changes = new EventEmitter();
  const received: ReceivedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const entry: ReceivedRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        status: null,
        aborted: false,
      };
      const index = received.push(entry) - 1;
      res.on('close', () => {
        if (!res.writableFinished) {
          entry.aborted = true;
          changes.emit('change');
        }
      });
      changes.emit('change');
      void Promise.resolve(script(entry, index)).then((reply) => {
        if (reply === 'hang' || res.destroyed) return;
        entry.status = reply;
        res.writeHead(reply, { 'content-type': 'text/plain' }).end('ok');
        changes.emit('change');
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;

  return {
    origin: `http://127.0.0.1:${port}`,
    received,
    waitFor: (predicate, timeoutMs = 5_000) =>
      new Promise<void>((resolve, reject) => {
        const check = (): void => {
          if (!predicate(received)) return;
          finish();
          resolve();
        };
        const timer = setTimeout(() => {
          finish();
          reject(new Error(`receiver: condition not met within ${timeoutMs} ms`));
        }, timeoutMs);
        const finish = (): void => {
          clearTimeout(timer);
          changes.off('change', check);
        };
        changes.on('change', check);
        check();
      }),
    close: () => {
      closing ??= new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      });
      return closing;
    },
  };
}

/** A loopback URL where nothing listens: a port that was just bound and released. */
export async function closedLoopbackUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/hook`;
}

/** Rejects if `promise` has not settled within `ms`; the timer is cleared either way. */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not settled within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls `predicate` every few ms until it holds; rejects after `timeoutMs` (default 5000). */
export async function eventually(
  predicate: () => boolean,
  what: string,
  timeoutMs = 5_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`${what}: not true within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** One call made to a {@link captureLogger} logger. */
export interface LogEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  fields: Record<string, unknown>;
  message: string | undefined;
}

/** A logger that appends every call, with its child bindings, to `entries`. */
export function captureLogger(entries: LogEntry[], bindings: object = {}): Logger {
  const at =
    (level: LogEntry['level']) =>
    (fields: object, message?: string): void => {
      entries.push({ level, fields: { ...bindings, ...fields }, message });
    };
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (more) => captureLogger(entries, { ...bindings, ...more }),
  };
}

/** The events of a run of `steps` sequential steps that all succeed, sequence 1..n. */
export function runEvents(runId: string, steps: number): WorkflowEvent[] {
  const events: WorkflowEvent[] = [];
  const envelope = { run_id: runId, workflow_id: 'wf-1', namespace: 'tests' };
  const at = (): { sequence: number; timestamp: string } => ({
    sequence: events.length + 1,
    timestamp: new Date(Date.UTC(2025, 0, 1, 0, 0, events.length)).toISOString(),
  });
  events.push({
    ...envelope,
    ...at(),
    event: 'workflow_started',
    data: { workflow_name: 'Tests', total_steps: steps, status: 'running' },
  });
  for (let i = 1; i <= steps; i++) {
    const step = { step_name: `Step ${i}`, usid: `s${i}`, step_index: i, total_steps: steps };
    events.push({
      ...envelope,
      ...at(),
      event: 'step_started',
      data: { ...step, status: 'running', attempt: 1 },
    });
    events.push({
      ...envelope,
      ...at(),
      event: 'step_completed',
      data: {
        ...step,
        status: 'completed',
        execution_time_seconds: 0.01,
        attempts: 1,
        http_status: 200,
        outputs: { [`out_${i}`]: `value ${i}` },
      },
    });
  }
  events.push({
    ...envelope,
    ...at(),
    event: 'workflow_completed',
    data: {
      status: 'completed',
      execution_time_seconds: 0.1,
      total_steps: steps,
      steps_completed: steps,
      steps_failed: 0,
      steps_aborted: 0,
      steps_cancelled: 0,
      final_result: `value ${steps}`,
    },
  });
  return events;
}
