/**
 * The RunStore contract (src/ports/run-store.ts, SPEC 6), run against every backend: memory, Redis
 * (the local server at REDIS_URL) and Upstash (the REST shim in front of that same Redis). Each
 * test uses its own key prefix and deletes its keys afterwards.
 */
import { monotonicFactory } from 'ulid';
import { afterAll, beforeAll, describe, it, type TestContext } from 'vitest';
import { StorageError } from '../../src/core/errors.js';
import type { RunRecord, RunStatus, StepStatus, WorkflowEvent } from '../../src/core/run/types.js';
import type { NewRun, RunStore, StepTransition } from '../../src/ports/run-store.js';
import {
  MemoryRunStore,
  RedisRunStore,
  UpstashRunStore,
  createRunStore,
} from '../../src/adapters/storage/index.js';
import {
  TEST_REDIS_URL,
  adminClient,
  deleteKeysUnder,
  keysUnder,
  pollUntil,
  uniquePrefix,
} from '../helpers/redis.js';
import { makeRecord, step } from '../helpers/run-records.js';
import { startUpstashRestShim, type UpstashRestShim } from '../helpers/upstash-rest-shim.js';

const admin = adminClient();
let shim: UpstashRestShim;

beforeAll(async () => {
  // Jitter lets requests overtake each other, as over a real network.
  shim = await startUpstashRestShim({ redisUrl: TEST_REDIS_URL, jitterMs: 5 });
});

afterAll(async () => {
  await shim.close();
  await admin.quit();
});

interface StoreOptions {
  keyPrefix: string;
  ttlSeconds?: number;
}

interface Backend {
  kind: 'memory' | 'redis' | 'upstash';
  open(options: StoreOptions): RunStore;
}

const backends: Backend[] = [
  { kind: 'memory', open: ({ ttlSeconds }) => new MemoryRunStore({ ttlSeconds }) },
  { kind: 'redis', open: (options) => new RedisRunStore({ url: TEST_REDIS_URL, ...options }) },
  {
    kind: 'upstash',
    open: (options) => new UpstashRunStore({ url: shim.url, token: shim.token, ...options }),
  },
];

const nextRunId = monotonicFactory();

/** Opens a store under a fresh prefix; the test's end closes it and deletes its keys. */
function openStore(backend: Backend, context: TestContext, ttlSeconds?: number): RunStore {
  const keyPrefix = uniquePrefix(`contract-${backend.kind}`);
  const store = backend.open({ keyPrefix, ttlSeconds });
  context.onTestFinished(async () => {
    await store.close();
    await deleteKeysUnder(admin, keyPrefix);
  });
  prefixes.set(store, keyPrefix);
  return store;
}

const prefixes = new WeakMap<RunStore, string>();

function prefixOf(store: RunStore): string {
  return prefixes.get(store) ?? '';
}

function event(record: RunRecord, sequence: number, stepIndex = 0): WorkflowEvent {
  return {
    event: 'step_started',
    run_id: record.run_id,
    workflow_id: record.workflow_id,
    namespace: record.namespace,
    sequence,
    timestamp: '2025-01-01T00:00:00.000Z',
    data: {
      step_name: `step_${stepIndex}`,
      usid: `usid-${stepIndex}`,
      step_index: stepIndex + 1,
      total_steps: record.steps.length,
      status: 'running',
      attempt: 1,
    },
  };
}

function newRun(record: RunRecord): NewRun {
  return {
    record,
    payload: { workflow_id: record.workflow_id, STEPS_CONFIG: [{ usid: 'usid-0' }] },
    events: [event(record, 1)],
  };
}

function transition(
  record: RunRecord,
  index: number,
  status: StepStatus,
  sequence: number,
): StepTransition {
  const entry = step(index, status);
  return {
    stepIndex: index,
    step: entry,
    ...(entry.outputs === null ? {} : { outputs: entry.outputs }),
    events: [event(record, sequence, index)],
  };
}

function finished(record: RunRecord, status: Exclude<RunStatus, 'running'>): RunRecord {
  return {
    ...record,
    status,
    success: status === 'succeeded',
    steps: record.steps.map((_, i) => step(i, status === 'succeeded' ? 'completed' : 'failed')),
    steps_completed: status === 'succeeded' ? record.steps.length : 0,
    steps_failed: status === 'succeeded' ? 0 : record.steps.length,
    finished_at: '2025-01-01T00:00:05.000Z',
  };
}

async function started(
  store: RunStore,
  options: Parameters<typeof makeRecord>[1] = {},
): Promise<RunRecord> {
  const record = makeRecord(nextRunId(), options);
  await store.createRun(newRun(record));
  return record;
}

async function ids(promise: Promise<RunRecord[]>): Promise<string[]> {
  return (await promise).map((record) => record.run_id);
}

describe.concurrent.each(backends)('RunStore contract: $kind', (backend) => {
  const isKeyValue = backend.kind !== 'memory';
  it('returns the record, the payload and no outputs right after createRun', async (context) => {
    const store = openStore(backend, context);
    const record = makeRecord(nextRunId());
    const run = newRun(record);
    await store.createRun(run);
    const stored = await store.getRun(record.run_id);
    context.expect(stored).toEqual({ record, payload: run.payload, outputs: {} });
    context.expect(await store.getEvents(record.run_id)).toEqual(run.events);
  });

  it('answers null for an unknown run, and no events', async (context) => {
    const store = openStore(backend, context);
    context.expect(await store.getRun(nextRunId())).toBeNull();
    context.expect(await store.getEvents(nextRunId())).toEqual([]);
  });

  it('applies a transition: the step entry, its outputs and its events, with counts recounted', async (context) => {
    const store = openStore(backend, context);
    const record = await started(store);
    await store.recordTransition(record.run_id, transition(record, 1, 'running', 2));
    await store.recordTransition(record.run_id, transition(record, 1, 'completed', 3));
    const stored = await store.getRun(record.run_id);
    context.expect(stored?.record.steps).toEqual([step(0), step(1, 'completed'), step(2)]);
    context.expect(stored?.record.steps_completed).toBe(1);
    context.expect(stored?.outputs).toEqual({ out_1: 1 });
    const events = await store.getEvents(record.run_id);
    context.expect(events.map((e) => e.sequence)).toEqual([1, 2, 3]);
  });

  it('applies transitions issued without waiting for each other in call order', async (context) => {
    const store = openStore(backend, context);
    const record = await started(store, { steps: 20 });
    const writes: Promise<void>[] = [];
    let sequence = 1;
    for (let i = 0; i < 20; i += 1) {
      writes.push(
        store.recordTransition(record.run_id, transition(record, i, 'running', ++sequence)),
      );
      writes.push(
        store.recordTransition(record.run_id, transition(record, i, 'completed', ++sequence)),
      );
    }
    await Promise.all(writes);
    const stored = await store.getRun(record.run_id);
    context.expect(stored?.record.steps.map((s) => s.status)).toEqual(Array(20).fill('completed'));
    context.expect(Object.keys(stored?.outputs ?? {})).toHaveLength(20);
    const events = await store.getEvents(record.run_id);
    context
      .expect(events.map((e) => e.sequence))
      .toEqual(Array.from({ length: 41 }, (_, i) => i + 1));
  });

  it('never shows a completed step without its outputs and events (each transition is atomic)', async (context) => {
    const store = openStore(backend, context);
    const record = await started(store, { steps: 10 });
    let writing = true;
    const writer = (async () => {
      for (let i = 0; i < 10; i += 1) {
        await store.recordTransition(record.run_id, transition(record, i, 'completed', i + 2));
      }
      writing = false;
    })();
    let snapshots = 0;
    while (writing || snapshots === 0) {
      const stored = await store.getRun(record.run_id);
      const completed = stored?.record.steps.filter((s) => s.status === 'completed') ?? [];
      for (const entry of completed) {
        const index = Number(entry.usid.slice('usid-'.length));
        context.expect(stored?.outputs[`out_${index}`]).toBe(index);
      }
      context.expect(stored?.record.steps_completed).toBe(completed.length);
      snapshots += 1;
    }
    await writer;
  });

  it('writes the final record with finishRun and moves the run between status filters', async (context) => {
    const store = openStore(backend, context);
    const record = await started(store);
    context
      .expect(await ids(store.listRuns({ status: 'running', limit: 10 })))
      .toEqual([record.run_id]);
    const final = finished(record, 'succeeded');
    const last = { ...event(record, 2), event: 'workflow_completed' } as WorkflowEvent;
    await store.finishRun(record.run_id, final, [last]);
    const stored = await store.getRun(record.run_id);
    context.expect(stored?.record).toEqual(final);
    context.expect(await store.getEvents(record.run_id, 1)).toEqual([last]);
    context.expect(await ids(store.listRuns({ status: 'running', limit: 10 }))).toEqual([]);
    context
      .expect(await ids(store.listRuns({ status: 'succeeded', limit: 10 })))
      .toEqual([record.run_id]);
  });

  it('returns the events after a sequence, in sequence order', async (context) => {
    const store = openStore(backend, context);
    const record = await started(store);
    await store.recordTransition(record.run_id, {
      ...transition(record, 0, 'running', 2),
      events: [event(record, 2), event(record, 3, 1)],
    });
    await store.recordTransition(record.run_id, transition(record, 1, 'running', 4));
    const sequences = async (after?: number): Promise<number[]> =>
      (await store.getEvents(record.run_id, after)).map((e) => e.sequence);
    context.expect(await sequences()).toEqual([1, 2, 3, 4]);
    context.expect(await sequences(0)).toEqual([1, 2, 3, 4]);
    context.expect(await sequences(2)).toEqual([3, 4]);
    context.expect(await sequences(4)).toEqual([]);
  });

  it('lists runs newest first, filtered by workflow_id, namespace and status, paged by limit and before', async (context) => {
    const store = openStore(backend, context);
    const r1 = await started(store, { workflowId: 'wf-a', namespace: 'ns-1' });
    const r2 = await started(store, { workflowId: 'wf-b', namespace: 'ns-1' });
    const r3 = await started(store, { workflowId: 'wf-a', namespace: 'ns-2' });
    const r4 = await started(store, { workflowId: 'wf-a', namespace: 'ns-1' });
    const r5 = await started(store, { workflowId: 'wf-b', namespace: 'ns-2' });
    await store.finishRun(r2.run_id, finished(r2, 'succeeded'), []);
    await store.finishRun(r3.run_id, finished(r3, 'failed'), []);
    const [id1, id2, id3, id4, id5] = [r1, r2, r3, r4, r5].map((r) => r.run_id);
    const list = (filter: Omit<Parameters<RunStore['listRuns']>[0], 'limit'>, limit = 10) =>
      ids(store.listRuns({ ...filter, limit }));
    context.expect(await list({})).toEqual([id5, id4, id3, id2, id1]);
    context.expect(await list({ workflowId: 'wf-a' })).toEqual([id4, id3, id1]);
    context.expect(await list({ namespace: 'ns-1' })).toEqual([id4, id2, id1]);
    context.expect(await list({ status: 'running' })).toEqual([id5, id4, id1]);
    context.expect(await list({ status: 'failed' })).toEqual([id3]);
    context.expect(await list({ workflowId: 'wf-a', namespace: 'ns-1' })).toEqual([id4, id1]);
    context.expect(await list({ workflowId: 'wf-b', status: 'succeeded' })).toEqual([id2]);
    context.expect(await list({ workflowId: 'wf-none' })).toEqual([]);
    context.expect(await list({}, 2)).toEqual([id5, id4]);
    context.expect(await list({ before: id4 }, 2)).toEqual([id3, id2]);
    context.expect(await list({ before: id2 }, 2)).toEqual([id1]);
    context.expect(await list({}, 0)).toEqual([]);
    const [newest] = await store.listRuns({ limit: 1 });
    context.expect(newest).toEqual((await store.getRun(r5.run_id))?.record);
  });

  it('keeps reading older runs until enough match the filter', async (context) => {
    const store = openStore(backend, context);
    const rare = await started(store, { workflowId: 'wf-x', namespace: 'ns-rare' });
    for (let i = 0; i < 45; i += 1)
      await started(store, { workflowId: 'wf-x', namespace: 'ns-common' });
    const found = await ids(store.listRuns({ workflowId: 'wf-x', namespace: 'ns-rare', limit: 5 }));
    context.expect(found).toEqual([rare.run_id]);
  });

  it('keeps two runs of the same workflow apart', async (context) => {
    const store = openStore(backend, context);
    const a = await started(store, { workflowId: 'same' });
    const b = await started(store, { workflowId: 'same' });
    await Promise.all([
      store.recordTransition(a.run_id, {
        ...transition(a, 0, 'completed', 2),
        outputs: { result: 'from a' },
      }),
      store.recordTransition(b.run_id, { ...transition(b, 0, 'failed', 2) }),
    ]);
    const [storedA, storedB] = await Promise.all([store.getRun(a.run_id), store.getRun(b.run_id)]);
    context.expect(storedA?.outputs).toEqual({ result: 'from a' });
    context.expect(storedB?.outputs).toEqual({});
    context.expect(storedA?.record.steps[0]?.status).toBe('completed');
    context.expect(storedB?.record.steps[0]?.status).toBe('failed');
    context
      .expect((await store.getEvents(a.run_id)).every((e) => e.run_id === a.run_id))
      .toBe(true);
    context
      .expect((await store.getEvents(b.run_id)).every((e) => e.run_id === b.run_id))
      .toBe(true);
  });

  it('stores values as JSON, never sharing objects with the caller', async (context) => {
    const store = openStore(backend, context);
    const record = await started(store);
    const outputs = { text: 'héllo ✓ "quoted"', nested: { list: [1, null, true] }, empty: null };
    await store.recordTransition(record.run_id, {
      ...transition(record, 0, 'completed', 2),
      outputs,
    });
    outputs.nested.list.push(99);
    record.steps[1] = step(1, 'failed');
    const first = await store.getRun(record.run_id);
    context.expect(first?.outputs).toEqual({
      text: 'héllo ✓ "quoted"',
      nested: { list: [1, null, true] },
      empty: null,
    });
    context.expect(first?.record.steps[1]?.status).toBe('pending');
    (first?.outputs.nested as { list: unknown[] }).list.push('changed');
    const second = await store.getRun(record.run_id);
    context.expect(second?.outputs.nested).toEqual({ list: [1, null, true] });
  });

  it('expires a run ttlSeconds after its last write, and stops listing it', async (context) => {
    const store = openStore(backend, context, 1);
    const idle = await started(store);
    const busy = await started(store);
    let sequence = 1;
    // Keep writing to one run while the other, created at the same time, expires.
    await pollUntil(
      'the idle run to expire',
      async () => {
        await store.recordTransition(busy.run_id, transition(busy, 0, 'running', ++sequence));
        return (await store.getRun(idle.run_id)) === null;
      },
      { intervalMs: 100 },
    );
    context.expect(await store.getRun(busy.run_id)).not.toBeNull();
    context.expect(await store.getEvents(idle.run_id)).toEqual([]);
    context.expect(await ids(store.listRuns({ limit: 10 }))).toEqual([busy.run_id]);
    if (isKeyValue) {
      // Listing also removed the expired run from the indexes, which the busy run keeps alive.
      const p = prefixOf(store);
      context.expect(await admin.zrange(`${p}:runs`, 0, -1)).toEqual([busy.run_id]);
      context.expect(await admin.zrange(`${p}:runs:wf:wf-1`, 0, -1)).toEqual([busy.run_id]);
      context.expect(await admin.zcard(`${p}:runs:expiry`)).toBe(1);
    }
    await pollUntil(
      'the busy run to expire',
      async () => (await store.getRun(busy.run_id)) === null,
      {
        intervalMs: 100,
      },
    );
    context.expect(await ids(store.listRuns({ limit: 10 }))).toEqual([]);
    context.expect(await ids(store.listRuns({ workflowId: 'wf-1', limit: 10 }))).toEqual([]);
  });

  it('rejects a transition of an unknown run with a StorageError naming the store and run', async (context) => {
    const store = openStore(backend, context);
    const runId = nextRunId();
    const error: unknown = await store
      .recordTransition(runId, transition(makeRecord(runId), 0, 'running', 2))
      .catch((e: unknown) => e);
    context.expect(error).toBeInstanceOf(StorageError);
    context
      .expect((error as Error).message)
      .toBe(
        `${backend.kind} store: write failed for run ${runId}: no such run (never created, or expired)`,
      );
  });

  it('answers ping, closes twice without error, and rejects calls after close', async (context) => {
    const store = openStore(backend, context);
    context.expect(store.kind).toBe(backend.kind);
    await store.ping();
    await store.close();
    await store.close();
    const error: unknown = await store.getRun('anything').catch((e: unknown) => e);
    context.expect(error).toBeInstanceOf(StorageError);
    context
      .expect((error as Error).message)
      .toBe(`${backend.kind} store: read failed for run anything: the store is closed`);
  });
});

// A memory store has no keys and is not shared between instances.
describe.concurrent.each(backends.filter((backend) => backend.kind !== 'memory'))(
  'RunStore key layout: $kind',
  (backend) => {
    it('keeps every key under the documented layout, each with a TTL', async (context) => {
      const store = openStore(backend, context, 600);
      const p = prefixOf(store);
      const record = await started(store, { namespace: 'team:a', workflowId: 'wf 1' });
      await store.recordTransition(record.run_id, transition(record, 0, 'completed', 2));
      await store.finishRun(record.run_id, finished(record, 'succeeded'), []);
      const base = `${p}:team%3Aa:wf%201:${record.run_id}`;
      context
        .expect((await keysUnder(admin, p)).sort())
        .toEqual(
          [
            `${base}:record`,
            `${base}:steps`,
            `${base}:outputs`,
            `${base}:events`,
            `${base}:payload`,
            `${p}:run:${record.run_id}`,
            `${p}:runs`,
            `${p}:runs:ns:team%3Aa`,
            `${p}:runs:wf:wf%201`,
            `${p}:runs:status:succeeded`,
            `${p}:runs:expiry`,
          ].sort(),
        );
      for (const key of await keysUnder(admin, p)) {
        const ttl = await admin.ttl(key);
        context.expect(ttl, key).toBeGreaterThan(590);
        context.expect(ttl, key).toBeLessThanOrEqual(600);
      }
      context.expect(JSON.parse((await admin.hget(`${base}:outputs`, 'out_0')) ?? '')).toBe(0);
    });

    it('lets another store instance read a run and continue writing it', async (context) => {
      const store = openStore(backend, context);
      const record = await started(store);
      await store.recordTransition(record.run_id, transition(record, 0, 'completed', 2));
      const other = backend.open({ keyPrefix: prefixOf(store) });
      context.onTestFinished(() => other.close());
      await other.recordTransition(record.run_id, transition(record, 1, 'completed', 3));
      const stored = await other.getRun(record.run_id);
      context
        .expect(stored?.record.steps.map((s) => s.status))
        .toEqual(['completed', 'completed', 'pending']);
      context.expect(stored?.outputs).toEqual({ out_0: 0, out_1: 1 });
    });
  },
);

describe('UpstashRunStore requests', () => {
  it('sends a transition as one /multi-exec request, and a remembered run is read in one', async (context) => {
    const ownShim = await startUpstashRestShim({ redisUrl: TEST_REDIS_URL });
    const keyPrefix = uniquePrefix('contract-upstash-requests');
    const store = new UpstashRunStore({ url: ownShim.url, token: ownShim.token, keyPrefix });
    context.onTestFinished(async () => {
      await store.close();
      await ownShim.close();
      await deleteKeysUnder(admin, keyPrefix);
    });
    const record = await started(store);
    ownShim.requests.length = 0;
    await store.recordTransition(record.run_id, transition(record, 0, 'completed', 2));
    context.expect(ownShim.requests).toEqual(['/multi-exec']);
    await store.getRun(record.run_id);
    context.expect(ownShim.requests).toEqual(['/multi-exec', '/multi-exec']);
  });

  it('rejects a wrong token with a StorageError that names the cause', async (context) => {
    const store = new UpstashRunStore({
      url: shim.url,
      token: 'wrong',
      keyPrefix: uniquePrefix('x'),
    });
    context.onTestFinished(() => store.close());
    const error: unknown = await store.ping().catch((e: unknown) => e);
    context.expect(error).toBeInstanceOf(StorageError);
    context.expect((error as Error).message).toBe('upstash store: ping failed: Unauthorized');
  });
});

describe('createRunStore', () => {
  it('builds the store of each kind and rejects unknown kinds and missing credentials', async (context) => {
    const memory = createRunStore('memory');
    const redis = createRunStore('redis', {
      url: TEST_REDIS_URL,
      keyPrefix: uniquePrefix('factory'),
    });
    const upstash = createRunStore('upstash', { url: shim.url, token: shim.token });
    context.expect([memory.kind, redis.kind, upstash.kind]).toEqual(['memory', 'redis', 'upstash']);
    await Promise.all([memory.close(), redis.close(), upstash.close()]);
    context
      .expect(() => createRunStore('disk' as 'memory'))
      .toThrow('store must be one of "memory", "redis", "upstash", got "disk"');
    context
      .expect(() => createRunStore('upstash', undefined as never))
      .toThrow('upstash store: url and token are required');
    context
      .expect(() => createRunStore('redis', { ttlSeconds: 0 }))
      .toThrow('redis store: ttlSeconds must be an integer >= 1, got 0');
  });
});
