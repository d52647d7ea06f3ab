/**
 * Redis restarts (with its append-only file, so data survives) while a run is between two
 * transitions. The run either completes once Redis is back or fails naming the store; in both
 * cases the stored record is whole: no step is half-written.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisRunStore } from '../../src/adapters/storage/index.js';
import { executeWorkflow } from '../../src/app/execute-workflow.js';
import { payload, step } from '../helpers/payloads.js';
import {
  freePort,
  pollUntil,
  startRedisServer,
  type RedisServerProcess,
} from '../helpers/redis.js';
import { sendJson, startScriptedServer, type ScriptedServer } from '../helpers/scripted-server.js';

let server: ScriptedServer;
let release: () => void = () => undefined;
let dataDir: string;
let redis: RedisServerProcess;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'wfe-redis-restart-'));
  redis = await startRedisServer(await freePort(), 5_000, dataDir);
  server = await startScriptedServer(async (request, response) => {
    if (request.path === '/held') await new Promise<void>((resolve) => (release = resolve));
    sendJson(response, 200, { from: request.path });
  });
});
afterAll(async () => {
  await server.close();
  await redis.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('a Redis restart in the middle of a run', () => {
  it('completes the run once Redis is back, or fails it naming the store, never half-writing a step', async () => {
    const store = new RedisRunStore({
      url: redis.url,
      keyPrefix: 'restart',
      commandTimeoutMs: 3_000,
    });
    try {
      const running = executeWorkflow(
        payload([
          step('before', `${server.url}/before`, { mapping: {} }),
          step('held', `${server.url}/held`, { dependencies: ['before'], mapping: {} }),
          step('after', `${server.url}/after`, { dependencies: ['held'], mapping: {} }),
        ]),
        { store },
      );
      await pollUntil('the held step to be called', () =>
        Promise.resolve(server.requests.some((request) => request.path === '/held')),
      );
      const port = redis.port;
      await redis.stop();
      redis = await startRedisServer(port, 5_000, dataDir);
      release();
      const result = await running;

      if (result.success) {
        expect(result.steps.map((entry) => entry.status)).toEqual([
          'completed',
          'completed',
          'completed',
        ]);
      } else {
        expect(result.error).toMatch(/store error: .*redis store/);
      }
      const stored = await store.getRun(result.run_id);
      expect(stored).not.toBeNull();
      for (const entry of stored!.record.steps) {
        expect(['pending', 'running', 'completed', 'failed', 'aborted', 'cancelled']).toContain(
          entry.status,
        );
        if (entry.status === 'completed') {
          expect(entry.outputs).not.toBeNull();
          expect(stored!.outputs).toHaveProperty(`${entry.usid}_out`);
        }
      }
      if (result.success) expect(stored!.record.status).toBe('succeeded');
    } finally {
      await store.close();
    }
  });
});
