import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import {
  WebhookNotifier,
  type WebhookNotifierOptions,
} from '../../src/adapters/notifier/webhook/index.js';
import type { WorkflowEventName } from '../../src/core/payload/schema.js';
import type { WorkflowEvent } from '../../src/core/run/types.js';
import { systemClock } from '../../src/adapters/clock/index.js';
import type { Clock } from '../../src/ports/clock.js';
import {
  captureLogger,
  closedLoopbackUrl,
  runEvents,
  type LogEntry,
  eventually,
  startWebhookReceiver,
  within,
  type ReceivedRequest,
  type WebhookReceiver,
} from '../helpers/webhook-receiver.js';

const sequencesOf = (requests: ReceivedRequest[]): number[] =>
  requests.map((request) => (JSON.parse(request.body) as WorkflowEvent).sequence);

const notifications = (
  url: string,
  secret: string | null = null,
  events: WorkflowEventName[] | null = null,
): {
  webhookUrl: string;
  secret: string | null;
  events: ReadonlySet<WorkflowEventName> | null;
} => ({
  webhookUrl: url,
  secret,
  events: events === null ? null : new Set(events),
});

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function receiver(
  script?: Parameters<typeof startWebhookReceiver>[0],
): Promise<WebhookReceiver> {
  const started = await startWebhookReceiver(script);
  cleanups.push(() => started.close());
  return started;
}

function notifier(
  logs: LogEntry[],
  options: Partial<WebhookNotifierOptions> = {},
): WebhookNotifier {
  const created = new WebhookNotifier({
    logger: captureLogger(logs),
    clock: systemClock,
    ...options,
  });
  cleanups.push(() => created.close());
  return created;
}

const fastRetries = { maxAttempts: 3, retryDelaysMs: [10, 20] };

describe('WebhookNotifier delivery', () => {
  it('delivers every event of a run in sequence order, with the event as the JSON body', async () => {
    const logs: LogEntry[] = [];
    const hook = await receiver();
    const events = runEvents('run-order', 6);
    const run = notifier(logs).openRun('run-order', notifications(`${hook.origin}/hook`));
    for (const event of events) run.notify(event);
    await hook.waitFor((got) => got.length === events.length);

    expect(sequencesOf(hook.received)).toEqual(events.map((event) => event.sequence));
    hook.received.forEach((request, i) => {
      expect(request.method).toBe('POST');
      expect(request.path).toBe('/hook');
      expect(JSON.parse(request.body)).toEqual(events[i]);
      expect(request.headers['content-type']).toBe('application/json');
      expect(request.headers['user-agent']).toMatch(/objspace-workflow-engine/);
      expect(request.headers['webhook-id']).toBe(`msg_run-order_${i + 1}`);
      expect(request.headers['webhook-timestamp']).toMatch(/^\d+$/);
      expect(request.headers['webhook-signature']).toBeUndefined();
    });
    expect(logs.filter((entry) => entry.level === 'warn')).toEqual([]);
  });

  it('signs with a whsec_ secret so the Standard Webhooks library verifies each request', async () => {
    const secret = `whsec_${randomBytes(32).toString('base64')}`;
    const hook = await receiver();
    const events = runEvents('run-whsec', 2);
    const run = notifier([]).openRun('run-whsec', notifications(hook.origin, secret));
    for (const event of events) run.notify(event);
    await hook.waitFor((got) => got.length === events.length);

    const verifier = new Webhook(secret);
    hook.received.forEach((request, i) => {
      expect(verifier.verify(request.body, request.headers as Record<string, string>)).toEqual(
        events[i],
      );
    });
    const otherKey = new Webhook(`whsec_${randomBytes(32).toString('base64')}`);
    const first = hook.received[0]!;
    expect(() => otherKey.verify(first.body, first.headers as Record<string, string>)).toThrow();
  });

  it('signs with a raw secret used as its UTF-8 bytes', async () => {
    const secret = 'plain signing secret – ünïcode';
    const hook = await receiver();
    const events = runEvents('run-raw', 1);
    const run = notifier([]).openRun('run-raw', notifications(hook.origin, secret));
    for (const event of events) run.notify(event);
    await hook.waitFor((got) => got.length === events.length);

    const verifier = new Webhook(new TextEncoder().encode(secret), { format: 'raw' });
    for (const request of hook.received) {
      const headers = request.headers as Record<string, string>;
      expect(verifier.verify(request.body, headers)).toEqual(JSON.parse(request.body));
    }
    const asciiOnly = new Webhook('plain signing secret', { format: 'raw' });
    const first = hook.received[0]!;
    expect(() => asciiOnly.verify(first.body, first.headers as Record<string, string>)).toThrow();
  });

  it('retries a failing event with the same webhook-id and still delivers all events in order, each once', async () => {
    const logs: LogEntry[] = [];
    let failuresLeft = 2;
    const hook = await receiver((request) => {
      const sequence = (JSON.parse(request.body) as WorkflowEvent).sequence;
      if (sequence === 3 && failuresLeft > 0) {
        failuresLeft -= 1;
        return failuresLeft === 1 ? 500 : 429;
      }
      return 204;
    });
    const events = runEvents('run-retry', 3);
    const run = notifier(logs, fastRetries).openRun('run-retry', notifications(hook.origin));
    for (const event of events) run.notify(event);
    await hook.waitFor(
      (got) => got.filter((request) => request.status === 204).length === events.length,
    );

    const delivered = hook.received.filter((request) => request.status === 204);
    expect(sequencesOf(delivered)).toEqual(events.map((event) => event.sequence));
    expect(sequencesOf(hook.received)).toEqual([1, 2, 3, 3, 3, 4, 5, 6, 7, 8]);
    const third = hook.received.filter(
      (request) => request.headers['webhook-id'] === 'msg_run-retry_3',
    );
    expect(third.map((request) => request.status)).toEqual([500, 429, 204]);
    expect(logs.filter((entry) => entry.level === 'warn')).toEqual([]);
    expect(logs.filter((entry) => entry.level === 'debug')).toHaveLength(2);
  });

  it('makes 5 attempts by default, waiting 0.5 s, 1 s, 2 s and 4 s of clock time between them', async () => {
    const logs: LogEntry[] = [];
    const hook = await receiver(() => 500);
    const sleeps: number[] = [];
    const nowMs = Date.UTC(2025, 5, 1, 12, 0, 0);
    // Clock time runs 100 times faster than real time, so the default schedule takes 75 ms.
    const fastClock: Clock = {
      now: () => nowMs,
      sleep: (delayMs, signal) => {
        sleeps.push(delayMs);
        return new Promise<void>((resolve, reject) => {
          const timer = setTimeout(resolve, delayMs / 100);
          signal?.addEventListener('abort', () => {
            clearTimeout(timer);
            reject(signal.reason as Error);
          });
        });
      },
      schedule: (delayMs, callback) => systemClock.schedule(delayMs / 100, callback),
    };
    const run = notifier(logs, { clock: fastClock }).openRun(
      'run-defaults',
      notifications(hook.origin),
    );
    run.notify(runEvents('run-defaults', 1)[0]!);
    await eventually(() => logs.some((entry) => entry.level === 'warn'), 'event dropped');

    expect(hook.received).toHaveLength(5);
    expect(sleeps.filter((delayMs) => delayMs !== 10_000)).toEqual([500, 1000, 2000, 4000]);
    expect(sleeps.filter((delayMs) => delayMs === 10_000)).toHaveLength(5);
    for (const request of hook.received) {
      expect(request.headers['webhook-timestamp']).toBe(String(nowMs / 1000));
    }
    expect(logs.find((entry) => entry.level === 'warn')?.fields).toMatchObject({
      attempts: 5,
      error: 'HTTP 500',
    });
  });

  it('sends only the events named in the events filter', async () => {
    const hook = await receiver();
    const events = runEvents('run-filter', 3);
    const run = notifier([]).openRun(
      'run-filter',
      notifications(hook.origin, null, [
        'workflow_started',
        'step_completed',
        'workflow_completed',
      ]),
    );
    for (const event of events) run.notify(event);
    await within(run.flush(5_000), 5_000, 'flush');
    await hook.waitFor((got) => got.length === 5);

    const names = hook.received.map((request) => (JSON.parse(request.body) as WorkflowEvent).event);
    expect(names).toEqual([
      'workflow_started',
      'step_completed',
      'step_completed',
      'step_completed',
      'workflow_completed',
    ]);
    expect(sequencesOf(hook.received)).toEqual([1, 3, 5, 7, 8]);
  });

  it('delivers two runs independently: a stalled run does not hold the other, and neither mixes order', async () => {
    const events = { a: runEvents('run-a', 3), b: runEvents('run-b', 3) };
    let releaseA: () => void = () => undefined;
    const aReleased = new Promise<number>((resolve) => {
      releaseA = () => resolve(200);
    });
    let aStalled = false;
    const hook = await receiver((request) => {
      if (request.path !== '/a' || aStalled) return 200;
      aStalled = true;
      return aReleased;
    });
    const service = notifier([]);
    const runA = service.openRun('run-a', notifications(`${hook.origin}/a`));
    const runB = service.openRun('run-b', notifications(`${hook.origin}/b`));
    for (let i = 0; i < events.a.length; i++) {
      runA.notify(events.a[i]!);
      runB.notify(events.b[i]!);
    }
    const forPath = (path: string): ReceivedRequest[] =>
      hook.received.filter((request) => request.path === path);
    await hook.waitFor(() => forPath('/b').length === events.b.length);
    expect(forPath('/a')).toHaveLength(1);
    releaseA();
    await hook.waitFor(() => forPath('/a').length === events.a.length);

    expect(sequencesOf(forPath('/a'))).toEqual(events.a.map((event) => event.sequence));
    expect(sequencesOf(forPath('/b'))).toEqual(events.b.map((event) => event.sequence));
    for (const request of forPath('/a')) expect(request.body).toContain('"run_id":"run-a"');
    for (const request of forPath('/b')) expect(request.body).toContain('"run_id":"run-b"');
    await eventually(() => service.pendingRuns === 0, 'both runs released');
  });
});

const activeCount = (kind: string): number =>
  process.getActiveResourcesInfo().filter((resource) => resource === kind).length;

describe('WebhookNotifier failures, flush and close', () => {
  it('resolves flush within its budget for an unreachable URL, then drops each event after its last attempt', async () => {
    const logs: LogEntry[] = [];
    const secret = 'never-logged-secret';
    const url = await closedLoopbackUrl();
    const events = runEvents('run-down', 2);
    // 100 ms between attempts: the events before the terminal one outlast the 300 ms budget.
    const service = notifier(logs, { maxAttempts: 3, retryDelaysMs: [100] });
    const run = service.openRun('run-down', notifications(url, secret));
    for (const event of events) run.notify(event);

    const startedAt = Date.now();
    await within(run.flush(300), 300 + 400, 'flush');
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(290);

    const warnings = (): LogEntry[] => logs.filter((entry) => entry.level === 'warn');
    await eventually(() => warnings().length === events.length, 'every event dropped');
    expect(warnings().map((entry) => entry.fields)).toEqual(
      events.map((event) => ({
        runId: 'run-down',
        event: event.event,
        sequence: event.sequence,
        attempts: 3,
        error: expect.stringMatching(/ECONNREFUSED/) as unknown,
      })),
    );
    const logged = JSON.stringify(logs);
    expect(logged).not.toContain(secret);
    expect(logged).not.toContain('value 1');
    expect(logged).not.toContain(url);
    await eventually(() => service.pendingRuns === 0, 'run released after its last drop');
  });

  it('resolves flush within its budget while the receiver hangs on the terminal event', async () => {
    const hook = await receiver((request) =>
      request.body.includes('"event":"workflow_completed"') ? 'hang' : 200,
    );
    const events = runEvents('run-hang', 1);
    const run = notifier([]).openRun('run-hang', notifications(hook.origin));
    for (const event of events) run.notify(event);
    await hook.waitFor((got) => got.length === events.length);

    const startedAt = Date.now();
    await within(run.flush(300), 300 + 400, 'flush');
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(290);
  });

  it('resolves flush as soon as the terminal event has had its first attempt, even a failed one', async () => {
    const hook = await receiver((request) =>
      request.body.includes('"event":"workflow_completed"') ? 503 : 200,
    );
    const events = runEvents('run-first-try', 1);
    const run = notifier([], { maxAttempts: 2, retryDelaysMs: [60_000] }).openRun(
      'run-first-try',
      notifications(hook.origin),
    );
    for (const event of events) run.notify(event);
    await within(run.flush(30_000), 5_000, 'flush');
    expect(hook.received.map((request) => request.status)).toEqual([200, 200, 200, 503]);
  });

  it('resolves flush at once when the events filter leaves out the terminal event', async () => {
    const hook = await receiver(() => 'hang');
    const events = runEvents('run-no-terminal', 1);
    const run = notifier([]).openRun(
      'run-no-terminal',
      notifications(hook.origin, null, ['workflow_started']),
    );
    for (const event of events) run.notify(event);
    await within(run.flush(30_000), 200, 'flush');
  });

  it('ignores a URL that is not http(s) and a whsec_ secret that is not base64, with a warning', async () => {
    const logs: LogEntry[] = [];
    const hook = await receiver();
    const service = notifier(logs);
    const runs = [
      service.openRun('run-ftp', notifications('ftp://127.0.0.1/hook')),
      service.openRun('run-relative', notifications('/hook')),
      service.openRun('run-bad-key', notifications(hook.origin, 'whsec_not base64!')),
    ];
    for (const run of runs) {
      for (const event of runEvents('run-x', 1)) run.notify(event);
      await within(run.flush(30_000), 200, 'flush');
    }
    expect(logs.filter((entry) => entry.level === 'warn').map((entry) => entry.fields)).toEqual([
      { runId: 'run-ftp' },
      { runId: 'run-relative' },
      { runId: 'run-bad-key' },
    ]);
    expect(JSON.stringify(logs)).not.toContain('not base64!');
    expect(hook.received).toEqual([]);
    expect(service.pendingRuns).toBe(0);
  });

  it('close() aborts requests in flight, retry waits and flushes, and leaves no timers or sockets', async () => {
    const timersBefore = activeCount('Timeout');
    const socketsBefore = activeCount('TCPSocketWrap');
    const logs: LogEntry[] = [];
    const hook = await receiver(() => 'hang');
    const downUrl = await closedLoopbackUrl();
    const service = new WebhookNotifier({
      logger: captureLogger(logs),
      clock: systemClock,
      retryDelaysMs: [60_000],
      requestTimeoutMs: 60_000,
    });
    const hanging = service.openRun('run-hanging', notifications(hook.origin));
    const waiting = service.openRun('run-waiting', notifications(downUrl));
    for (const event of runEvents('run-hanging', 1)) hanging.notify(event);
    for (const event of runEvents('run-waiting', 1)) waiting.notify(event);
    await hook.waitFor((got) => got.length === 1);
    await eventually(
      () => logs.some((entry) => entry.fields.runId === 'run-waiting' && entry.level === 'debug'),
      'first attempt to the closed port failed',
    );
    const flushed = hanging.flush(60_000);

    await within(service.close(), 2_000, 'close');
    await within(flushed, 100, 'pending flush');
    await hook.waitFor((got) => got[0]?.aborted === true);
    expect(service.pendingRuns).toBe(0);
    expect(logs.filter((entry) => entry.level === 'warn').map((entry) => entry.fields)).toEqual([
      { runId: 'run-hanging', dropped: 4, fromSequence: 1 },
      { runId: 'run-waiting', dropped: 4, fromSequence: 1 },
    ]);

    for (const event of runEvents('run-hanging', 1)) hanging.notify(event);
    const late = service.openRun('run-late', notifications(hook.origin));
    for (const event of runEvents('run-late', 1)) late.notify(event);
    await within(late.flush(60_000), 100, 'flush after close');
    expect(hook.received).toHaveLength(1);

    await hook.close();
    await eventually(
      () => activeCount('Timeout') <= timersBefore && activeCount('TCPSocketWrap') <= socketsBefore,
      'timers and sockets released',
      1_000,
    );
  });
});
