import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeWorkflow } from '../../src/app/execute-workflow.js';
import type { WorkflowEvent } from '../../src/core/run/index.js';
import { payload, step } from '../helpers/payloads.js';
import {
  sendJson,
  startScriptedServer,
  waitOrClose,
  type ScriptedServer,
} from '../helpers/scripted-server.js';

let server: ScriptedServer;
const arrivals = new Map<string, number[]>();

/**
 * /flaky?status=503&failures=N answers `status` to the first N requests of a key, then 200.
 * /hang never answers. /slow?delay=ms answers late.
 */
beforeAll(async () => {
  server = await startScriptedServer(async (request, response, raw) => {
    const key = `${request.path}?${request.query.toString()}|${String(request.headers['idempotency-key'])}`;
    const times = arrivals.get(key) ?? [];
    times.push(Date.now());
    arrivals.set(key, times);
    if (request.path === '/flaky') {
      const failures = Number(request.query.get('failures') ?? 0);
      if (times.length <= failures) {
        const retryAfter = request.query.get('retry_after');
        return sendJson(
          response,
          Number(request.query.get('status') ?? 503),
          { error: 'try again' },
          retryAfter === null ? {} : { 'retry-after': retryAfter },
        );
      }
      return sendJson(response, 200, { ok: true, attempts: times.length });
    }
    if (request.path === '/hang') return waitOrClose(raw, 60_000);
    if (request.path === '/slow') {
      await waitOrClose(raw, Number(request.query.get('delay') ?? 0));
      if (!raw.socket.destroyed) sendJson(response, 200, { ok: true });
      return;
    }
    return sendJson(response, 200, request.json ?? {});
  });
});
afterAll(() => server.close());

const timesOf = (fragment: string) =>
  [...arrivals.entries()].find(([key]) => key.includes(fragment))?.[1] ?? [];

describe('retries', () => {
  it.each([503, 500, 408, 429])(
    'retries HTTP %i and succeeds on a later attempt',
    async (status) => {
      const url = `${server.url}/flaky?status=${status}&failures=2&case=r${status}`;
      const events: WorkflowEvent[] = [];
      const result = await executeWorkflow(
        payload([step('f', url)], { error_handling: { max_retries: 2, retry_delay: 0.01 } }),
        { onEvent: (event) => events.push(event) },
      );
      expect(result.success).toBe(true);
      expect(result.steps[0]).toMatchObject({ attempts: 3, http_status: 200 });
      const retrying = events.filter((event) => event.event === 'step_retrying');
      expect(retrying.map((event) => event.data)).toMatchObject([
        { attempt: 1, next_attempt: 2, http_status: status },
        { attempt: 2, next_attempt: 3, http_status: status },
      ]);
    },
  );

  it.each([400, 404, 422])('does not retry HTTP %i', async (status) => {
    const result = await executeWorkflow(
      payload([step('f', `${server.url}/flaky?status=${status}&failures=5&case=n${status}`)], {
        error_handling: { max_retries: 3, retry_delay: 0.01 },
      }),
    );
    expect(result.steps[0]).toMatchObject({ status: 'failed', attempts: 1, http_status: status });
    expect(timesOf(`case=n${status}`)).toHaveLength(1);
  });

  it('reports the last HTTP failure after all attempts, with the start of the body', async () => {
    const result = await executeWorkflow(
      payload([step('f', `${server.url}/flaky?failures=9&case=exhaust`)], {
        error_handling: { max_retries: 2, retry_delay: 0.01 },
      }),
    );
    expect(result.steps[0]?.error).toMatch(
      /^HTTP 503 from 127\.0\.0\.1:\d+ after 3 attempts: \{"error":"try again"\}$/,
    );
  });

  it('waits retry_delay between attempts with fixed backoff', async () => {
    await executeWorkflow(
      payload([step('f', `${server.url}/flaky?failures=2&case=fixed`)], {
        error_handling: { max_retries: 2, retry_delay: 0.15, backoff: 'fixed' },
      }),
    );
    const times = timesOf('case=fixed');
    expect(times).toHaveLength(3);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(140);
    expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(140);
  });

  it('honours Retry-After on 429, capped at max_retry_delay', async () => {
    const started = Date.now();
    const result = await executeWorkflow(
      payload([step('f', `${server.url}/flaky?status=429&failures=1&retry_after=1&case=ra`)], {
        error_handling: { max_retries: 1, retry_delay: 0.01, max_retry_delay: 0.4 },
      }),
    );
    expect(result.success).toBe(true);
    const times = timesOf('case=ra');
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(380);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('fails with "connection refused" when nothing listens', async () => {
    const port = await closedPort();
    const result = await executeWorkflow(
      payload([step('f', `http://127.0.0.1:${port}/x`)], {
        error_handling: { max_retries: 1, retry_delay: 0.01 },
      }),
    );
    expect(result.steps[0]).toMatchObject({ status: 'failed', attempts: 2 });
    expect(result.steps[0]?.error).toContain('connection refused');
  });
});

describe('timeouts', () => {
  it('times out one attempt after http_timeout and retries it', async () => {
    const result = await executeWorkflow(
      payload([
        step('h', `${server.url}/hang?case=ht`, {
          http_timeout: 0.2,
          max_retries: 1,
          retry_delay: 0.01,
        }),
      ]),
    );
    expect(result.steps[0]).toMatchObject({ status: 'failed', attempts: 2 });
    expect(result.steps[0]?.error).toMatch(/^timed out after 0\.2 s/);
    expect(timesOf('case=ht')).toHaveLength(2);
  });

  it('bounds the whole step, retries included, by step_timeout', async () => {
    const started = Date.now();
    const result = await executeWorkflow(
      payload([
        step('h', `${server.url}/hang?case=st`, { timeout: 0.3, http_timeout: 5, max_retries: 5 }),
      ]),
    );
    expect(result.steps[0]?.error).toBe('timed out after 0.3 s');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('ends the run timed_out after total_pipeline_timeout, cancelling in-flight steps', async () => {
    const result = await executeWorkflow(
      payload(
        [
          step('h', `${server.url}/hang?case=tt`),
          step('after', `${server.url}/echo`, { dependencies: ['h'] }),
        ],
        { timeouts: { total_pipeline_timeout: 0.3 } },
      ),
    );
    expect(result).toMatchObject({
      success: false,
      status: 'timed_out',
      steps_cancelled: 1,
      steps_aborted: 1,
    });
    expect(result.steps[0]).toMatchObject({ status: 'cancelled', reason: 'run timed out' });
    expect(result.steps[1]).toMatchObject({ status: 'aborted', reason: 'run timed out' });
    expect(result.error).toBe('run timed out after 0.3 s');
    await expect.poll(() => server.abandoned()).toBeGreaterThan(0);
  });
});

describe('cancellation', () => {
  it('aborts in-flight requests when the caller aborts the signal', async () => {
    const controller = new AbortController();
    const abandonedBefore = server.abandoned();
    const events: WorkflowEvent[] = [];
    const running = executeWorkflow(payload([step('h', `${server.url}/hang?case=cancel`)]), {
      signal: controller.signal,
      onEvent: (event) => {
        events.push(event);
        if (event.event === 'step_started') setTimeout(() => controller.abort(), 50);
      },
    });
    const result = await running;
    expect(result).toMatchObject({ success: false, status: 'cancelled', error: 'run cancelled' });
    expect(result.steps[0]).toMatchObject({ status: 'cancelled', reason: 'run cancelled' });
    await expect.poll(() => server.abandoned()).toBeGreaterThan(abandonedBefore);
    expect(events.at(-1)).toMatchObject({
      event: 'workflow_failed',
      data: { status: 'cancelled' },
    });
  });

  it('cancels in-flight siblings when a step fails under raise_on_error', async () => {
    const result = await executeWorkflow(
      payload([
        step('h', `${server.url}/slow?delay=5000&case=sib`),
        step('bad', `${server.url}/flaky?status=400&failures=1&case=sibfail`),
      ]),
    );
    expect(result.steps[0]).toMatchObject({
      status: 'cancelled',
      reason: 'run failed: step bad failed',
    });
    expect(result.execution_time).toBeLessThan(2);
  });
});

async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
