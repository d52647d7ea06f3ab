/**
 * Cancelling runs, capacity, a store that is down, event-stream heartbeats and graceful shutdown,
 * on real sockets with real local services.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisRunStore } from '../../src/adapters/storage/index.js';
import { startExampleServices, type ExampleServices } from '../../src/examples/index.js';
import { shutdownOnSignal, type RunningServer } from '../../src/server.js';
import {
  getJson,
  pollFor,
  postJson,
  readEventStream,
  slowPayload,
  startTestService,
} from '../helpers/http-harness.js';
import {
  closedLoopbackUrl,
  eventually,
  startWebhookReceiver,
  type WebhookReceiver,
} from '../helpers/webhook-receiver.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

let services: ExampleServices;
let receiver: WebhookReceiver;

beforeAll(async () => {
  services = await startExampleServices({ port: 0 });
  receiver = await startWebhookReceiver();
});

afterAll(async () => {
  await Promise.all([receiver.close(), services.close()]);
});

describe('POST /api/runs/:run_id/cancel', () => {
  let service: RunningServer;
  beforeAll(async () => {
    service = await startTestService();
  });
  afterAll(() => service.shutdown());

  it('aborts the in-flight request, records the run cancelled and sends workflow_failed', async () => {
    const payload = slowPayload(services.baseUrl, 30_000, {
      notifications: { webhook_url: `${receiver.origin}/cancel` },
    });
    const accepted = await postJson(`${service.url}/api/execute?async=true`, payload);
    const runId = accepted.body.run_id as string;
    await eventually(() => services.pendingDelays() === 1, 'the slow request reached the service');

    const cancelled = await postJson(`${service.url}/api/runs/${runId}/cancel`, {});
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({
      run_id: runId,
      status: 'cancelled',
      success: false,
      error: 'run cancelled',
    });
    expect(cancelled.body.steps).toMatchObject([
      { usid: 'slow1', status: 'cancelled', reason: 'run cancelled' },
    ]);
    // The service saw its client go away: its pending delay was dropped.
    await eventually(() => services.pendingDelays() === 0, 'the slow request was aborted');

    await receiver.waitFor((received) =>
      received.some(
        (request) => request.path === '/cancel' && request.body.includes('"workflow_failed"'),
      ),
    );
    const failed = receiver.received
      .filter((request) => request.path === '/cancel')
      .map((request) => JSON.parse(request.body))
      .at(-1);
    expect(failed).toMatchObject({
      event: 'workflow_failed',
      run_id: runId,
      data: { status: 'cancelled' },
    });
    expect((await getJson(`${service.url}/api/runs/${runId}`)).body.status).toBe('cancelled');
    const again = await postJson(`${service.url}/api/runs/${runId}/cancel`, {});
    expect(again.status).toBe(409);
  });

  it('ends a synchronous request for that run with its cancelled result', async () => {
    const pending = postJson(`${service.url}/api/execute`, slowPayload(services.baseUrl, 30_000));
    const runId = await pollFor(async () => {
      const { body } = await getJson(`${service.url}/api/runs?status=running`);
      return (body.runs as { run_id: string }[])[0]?.run_id;
    }, 'the run is listed as running');
    expect((await postJson(`${service.url}/api/runs/${runId}/cancel`, {})).status).toBe(200);
    const answer = await pending;
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      run_id: runId,
      success: false,
      status: 'cancelled',
      steps_cancelled: 1,
    });
  });
});

describe('capacity', () => {
  it('answers 503 UNAVAILABLE with Retry-After once maxConcurrentRuns are in flight', async () => {
    const service = await startTestService({ WFE_MAX_CONCURRENT_RUNS: '2' });
    try {
      const first = await postJson(
        `${service.url}/api/execute?async=true`,
        slowPayload(services.baseUrl, 30_000),
      );
      const second = await postJson(
        `${service.url}/api/execute?async=true`,
        slowPayload(services.baseUrl, 30_000),
      );
      expect([first.status, second.status]).toEqual([202, 202]);
      for (const url of [`${service.url}/api/execute`, `${service.url}/api/execute?async=true`]) {
        const refused = await postJson(url, slowPayload(services.baseUrl, 10));
        expect(refused.status).toBe(503);
        expect(refused.body).toMatchObject({ success: false, code: 'UNAVAILABLE' });
        expect(refused.body.error).toContain('too many runs in flight (2 of 2)');
        expect(refused.headers.get('retry-after')).toBe('1');
      }
      // An invalid payload is still told what is wrong with it.
      expect((await postJson(`${service.url}/api/execute`, {})).status).toBe(400);
      await postJson(`${String(first.body.status_url)}/cancel`, {});
      const accepted = await postJson(
        `${service.url}/api/execute`,
        slowPayload(services.baseUrl, 10),
      );
      expect(accepted.body).toMatchObject({ success: true });
    } finally {
      await service.shutdown();
    }
  });
});

describe('a store that is down', () => {
  it('gives 503 UNAVAILABLE to new runs and a degraded health, and the server keeps answering', async () => {
    const redisUrl = (await closedLoopbackUrl()).replace(/^http:/, 'redis:').replace(/\/hook$/, '');
    const service = await startTestService({ WFE_STORE: 'redis', REDIS_URL: redisUrl });
    try {
      // Each call waits for the store to fail (about a second): ask everything at once.
      const [sync, background, health, record] = await Promise.all([
        postJson(`${service.url}/api/execute`, slowPayload(services.baseUrl, 10)),
        postJson(`${service.url}/api/execute?async=true`, slowPayload(services.baseUrl, 10)),
        getJson(`${service.url}/health`),
        getJson(`${service.url}/api/runs/01ABC`),
      ]);
      for (const refused of [sync, background]) {
        expect(refused.status).toBe(503);
        expect(refused.body).toMatchObject({ success: false, code: 'UNAVAILABLE' });
        expect(refused.body.error).toMatch(
          /^the run store is unavailable: redis store: .*ECONNREFUSED/,
        );
        expect(refused.headers.get('retry-after')).toBe('5');
      }
      expect(services.pendingDelays()).toBe(0);
      expect(health.status).toBe(503);
      expect(health.body).toMatchObject({
        status: 'degraded',
        store: { kind: 'redis', status: 'unavailable' },
      });
      expect(record.status).toBe(503);
      expect((await getJson(`${service.url}/openapi.json`)).status).toBe(200);
    } finally {
      await service.shutdown();
    }
  });
});

describe('event stream heartbeats', () => {
  it('are sent as comments while a run is quiet', async () => {
    const service = await startTestService({ WFE_SSE_HEARTBEAT_MS: '20' });
    try {
      const accepted = await postJson(
        `${service.url}/api/execute?async=true`,
        slowPayload(services.baseUrl, 30_000),
      );
      const stream = await readEventStream(accepted.body.events_url as string, {
        stopWhen: (raw) => raw.split(': heartbeat\n\n').length > 3,
      });
      expect(stream.names).toEqual(['workflow_started', 'step_started']);
      await postJson(`${String(accepted.body.status_url)}/cancel`, {});
    } finally {
      await service.shutdown();
    }
  });
});

describe('graceful shutdown', () => {
  it('lets short runs finish, cancels long ones after the grace period and records them', async () => {
    const keyPrefix = `wfe-test-shutdown-${process.pid}-${Date.now()}`;
    const graceMs = 400;
    const service = await startTestService({
      WFE_STORE: 'redis',
      REDIS_URL,
      WFE_STORE_KEY_PREFIX: keyPrefix,
      WFE_SHUTDOWN_GRACE_MS: String(graceMs),
    });
    const redis = new Redis(REDIS_URL);
    try {
      const long = postJson(`${service.url}/api/execute`, slowPayload(services.baseUrl, 30_000));
      const short = await postJson(
        `${service.url}/api/execute?async=true`,
        slowPayload(services.baseUrl, 150),
      );
      await eventually(() => services.pendingDelays() === 2, 'both runs are in flight');

      const signalled = shutdownOnSignal(service, ['SIGUSR2']);
      const started = performance.now();
      process.emit('SIGUSR2', 'SIGUSR2');
      const answer = await long;
      expect(performance.now() - started).toBeGreaterThanOrEqual(graceMs - 5);
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ status: 'cancelled', steps: [{ status: 'cancelled' }] });
      expect(await signalled).toBe('SIGUSR2');
      await expect(fetch(`${service.url}/health`)).rejects.toThrow();

      const store = new RedisRunStore({ url: REDIS_URL, keyPrefix });
      try {
        expect((await store.getRun(answer.body.run_id as string))?.record).toMatchObject({
          status: 'cancelled',
          finished_at: expect.any(String),
        });
        expect((await store.getRun(short.body.run_id as string))?.record).toMatchObject({
          status: 'succeeded',
        });
      } finally {
        await store.close();
      }
    } finally {
      await service.shutdown();
      const keys = await redis.keys(`${keyPrefix}:*`);
      if (keys.length > 0) await redis.del(...keys);
      await redis.quit();
    }
  });
});
