/**
 * A worker that dies mid-run (SIGKILL of a real child process) leaves a run that another engine
 * continues from Redis: completed steps are not called again, the step that was in flight is
 * called again with the same Idempotency-Key, and events continue their numbering.
 */
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ulid } from 'ulid';
import { RedisRunStore } from '../../src/adapters/storage/index.js';
import { resumeWorkflow } from '../../src/app/resume-workflow.js';
import { ConflictError } from '../../src/core/errors.js';
import { bundleScript, startScript } from '../helpers/child-script.js';
import { payload, step } from '../helpers/payloads.js';
import {
  adminClient,
  deleteKeysUnder,
  pollUntil,
  TEST_REDIS_URL,
  uniquePrefix,
} from '../helpers/redis.js';
import {
  sendJson,
  startScriptedServer,
  waitOrClose,
  type ScriptedServer,
} from '../helpers/scripted-server.js';

let server: ScriptedServer;
let hangThird = true;
const prefix = uniquePrefix('resume');
const admin = adminClient();

beforeAll(async () => {
  server = await startScriptedServer(async (request, response, raw) => {
    if (request.path === '/third' && hangThird) return waitOrClose(raw, 30_000);
    sendJson(response, 200, { from: request.path, input: request.json ?? null });
  });
});
afterAll(async () => {
  await server.close();
  await deleteKeysUnder(admin, prefix);
  admin.disconnect();
});

describe('resuming a run whose process died', () => {
  it('continues from the stored state without calling completed steps again', async () => {
    const runId = ulid();
    const workflow = payload([
      step('first', `${server.url}/first`, { mapping: { n: 1 } }),
      step('second', `${server.url}/second`, {
        dependencies: ['first'],
        mapping: { prev: '{{first_out.from}}' },
      }),
      step('third', `${server.url}/third`, {
        dependencies: ['second'],
        mapping: { prev: '{{second_out.input.prev}}' },
      }),
    ]);
    const script = await bundleScript('test/fixtures/run-with-redis.ts');
    const { child, output } = startScript(script.path, {
      PAYLOAD: JSON.stringify(workflow),
      RUN_ID: runId,
      REDIS_URL: TEST_REDIS_URL,
      KEY_PREFIX: prefix,
    });
    const exited = once(child, 'exit');
    await pollUntil(
      'the third step to be called',
      () => Promise.resolve(server.requests.some((request) => request.path === '/third')),
      { timeoutMs: 10_000 },
    );
    child.kill('SIGKILL');
    await exited;
    await script.dispose();
    expect(output()).not.toContain('result');

    hangThird = false;
    const store = new RedisRunStore({ url: TEST_REDIS_URL, keyPrefix: prefix });
    try {
      const before = await store.getRun(runId);
      expect(before?.record.status).toBe('running');
      expect(before?.record.steps.map((entry) => entry.status)).toEqual([
        'completed',
        'completed',
        'running',
      ]);

      const result = await resumeWorkflow(runId, { store });
      expect(result).toMatchObject({
        success: true,
        status: 'succeeded',
        run_id: runId,
        steps_completed: 3,
      });
      expect(result.all_outputs?.third_out).toEqual({ from: '/third', input: { prev: '/first' } });

      const calls = (path: string) => server.requests.filter((request) => request.path === path);
      expect(calls('/first')).toHaveLength(1);
      expect(calls('/second')).toHaveLength(1);
      expect(calls('/third')).toHaveLength(2);
      expect(new Set(calls('/third').map((request) => request.headers['idempotency-key']))).toEqual(
        new Set([`${runId}:third`]),
      );

      const events = await store.getEvents(runId);
      expect(events.map((event) => event.sequence)).toEqual(events.map((_, index) => index + 1));
      expect(events.at(-1)?.event).toBe('workflow_completed');
      expect((await store.getRun(runId))?.record.status).toBe('succeeded');

      await expect(resumeWorkflow(runId, { store })).rejects.toBeInstanceOf(ConflictError);
    } finally {
      await store.close();
    }
  });
});
