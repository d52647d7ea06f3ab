/**
 * The Redis-backed stores across an outage: a private redis-server (and, for Upstash, the REST
 * shim in front of it) is stopped and started again under a store that stays open.
 */
import { monotonicFactory } from 'ulid';
import { describe, expect, it, onTestFinished } from 'vitest';
import { RedisRunStore, UpstashRunStore } from '../../src/adapters/storage/index.js';
import { StorageError } from '../../src/core/errors.js';
import type { RunRecord } from '../../src/core/run/types.js';
import type { RunStore, StepTransition } from '../../src/ports/run-store.js';
import { freePort, pollUntil, startRedisServer, uniquePrefix } from '../helpers/redis.js';
import { makeRecord } from '../helpers/run-records.js';
import { startUpstashRestShim } from '../helpers/upstash-rest-shim.js';

const nextRunId = monotonicFactory();

function record(runId: string): RunRecord {
  return makeRecord(runId, { workflowId: 'wf-restart', namespace: 'ns-restart', steps: 1 });
}

function running(runRecord: RunRecord): StepTransition {
  const entry = runRecord.steps[0];
  if (entry === undefined) throw new Error('record without steps');
  return {
    stepIndex: 0,
    step: { ...entry, status: 'running', attempts: 1 },
    events: [],
  };
}

async function createAndTransition(store: RunStore): Promise<string> {
  const runRecord = record(nextRunId());
  await store.createRun({ record: runRecord, payload: {}, events: [] });
  await store.recordTransition(runRecord.run_id, running(runRecord));
  return runRecord.run_id;
}

/** The write's rejection, and how long it took to arrive. */
async function failedWrite(
  store: RunStore,
  runId: string,
): Promise<{ error: unknown; ms: number }> {
  const startedAt = Date.now();
  const error: unknown = await store.recordTransition(runId, running(record(runId))).then(
    () => new Error('the write succeeded while the backend was down'),
    (e: unknown) => e,
  );
  return { error, ms: Date.now() - startedAt };
}

describe('stores across a Redis outage', () => {
  it('redis store: writes fail fast with the cause while Redis is down, and succeed after it restarts', async () => {
    const port = await freePort();
    let server = await startRedisServer(port);
    const store = new RedisRunStore({
      url: server.url,
      keyPrefix: uniquePrefix('restart'),
      commandTimeoutMs: 3_000,
    });
    onTestFinished(async () => {
      await store.close();
      await server.stop();
    });
    const runId = await createAndTransition(store);

    await server.stop();
    const { error, ms } = await failedWrite(store, runId);
    expect(error).toBeInstanceOf(StorageError);
    expect((error as Error).message).toBe(
      `redis store: write failed for run ${runId}: connect ECONNREFUSED 127.0.0.1:${port}`,
    );
    expect(ms).toBeLessThan(3_000);
    await expect(store.ping()).rejects.toThrow(/^redis store: ping failed: connect ECONNREFUSED/);

    server = await startRedisServer(port);
    await pollUntil('the store to reconnect', () =>
      store.ping().then(
        () => true,
        () => false,
      ),
    );
    // The restarted server has no data (no persistence): a new run goes through end to end.
    const again = await createAndTransition(store);
    expect((await store.getRun(again))?.record.steps[0]?.status).toBe('running');
  });

  it('redis store: a write to a Redis that stopped answering fails after commandTimeoutMs', async () => {
    const server = await startRedisServer(await freePort());
    const store = new RedisRunStore({
      url: server.url,
      keyPrefix: uniquePrefix('restart'),
      commandTimeoutMs: 500,
    });
    onTestFinished(async () => {
      server.resume();
      await store.close();
      await server.stop();
    });
    const runId = await createAndTransition(store);

    server.pause();
    const { error, ms } = await failedWrite(store, runId);
    expect((error as Error).message).toBe(
      `redis store: write failed for run ${runId}: no reply within 500 ms`,
    );
    expect(ms).toBeGreaterThanOrEqual(450);
    expect(ms).toBeLessThan(2_000);

    server.resume();
    await store.recordTransition(runId, running(record(runId)));
  });

  it('upstash store: a write fails fast with the cause while the endpoint or Redis is down, and succeeds after', async () => {
    const redis = await startRedisServer(await freePort());
    let shim = await startUpstashRestShim({ redisUrl: redis.url });
    const store = new UpstashRunStore({
      url: shim.url,
      token: shim.token,
      keyPrefix: uniquePrefix('restart'),
      commandTimeoutMs: 1_000,
    });
    onTestFinished(async () => {
      redis.resume();
      await store.close();
      await shim.close();
      await redis.stop();
    });
    const runId = await createAndTransition(store);

    await shim.close();
    const refused = await failedWrite(store, runId);
    expect(refused.error).toBeInstanceOf(StorageError);
    expect((refused.error as Error).message).toBe(
      `upstash store: write failed for run ${runId}: connect ECONNREFUSED 127.0.0.1:${shim.port}`,
    );
    expect(refused.ms).toBeLessThan(1_000);

    shim = await startUpstashRestShim({ redisUrl: redis.url, token: shim.token, port: shim.port });
    await store.recordTransition(runId, running(record(runId)));
    expect((await store.getRun(runId))?.record.steps[0]?.status).toBe('running');

    redis.pause();
    const unanswered = await failedWrite(store, runId);
    expect((unanswered.error as Error).message).toBe(
      `upstash store: write failed for run ${runId}: no reply within 1000 ms`,
    );
    expect(unanswered.ms).toBeGreaterThanOrEqual(950);
    expect(unanswered.ms).toBeLessThan(2_500);
    redis.resume();
    await store.recordTransition(runId, running(record(runId)));
  });
});
