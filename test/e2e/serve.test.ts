/**
 * `workflow-engine serve` as operators run it: two server processes (the built binary) on free
 * loopback ports sharing one Redis. A run executed through the first is read back, with its
 * history and events, through the second; SIGTERM stops each cleanly.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExampleServices, type ExampleServices } from '../../src/examples/index.js';
import { adminClient, deleteKeysUnder, TEST_REDIS_URL, uniquePrefix } from '../helpers/redis.js';

const BIN = join(fileURLToPath(new URL('../../', import.meta.url)), 'dist/cli/main.js');
const prefix = uniquePrefix('serve-e2e');
const admin = adminClient();
let services: ExampleServices;

interface Server {
  child: ChildProcessWithoutNullStreams;
  url: string;
  logs: () => string;
}

/** Starts `serve --store redis` on a free port and resolves with its URL from the start log. */
async function serve(): Promise<Server> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--store', 'redis'], {
    env: {
      ...process.env,
      REDIS_URL: TEST_REDIS_URL,
      WFE_STORE_KEY_PREFIX: prefix,
      WFE_LOG_PRETTY: 'false',
      WFE_SECRET_DEMO_TOKEN: 'serve-e2e-secret-value',
    },
  });
  let logs = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${logs}`)), 15_000);
    child.stdout.on('data', (chunk: Buffer) => {
      logs += chunk.toString();
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(logs);
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (logs += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`serve exited with ${String(code)}:\n${logs}`)));
  });
  return { child, url, logs: () => logs };
}

async function stop(server: Server): Promise<number | null> {
  const exited = once(server.child, 'exit') as Promise<[number | null]>;
  server.child.kill('SIGTERM');
  const [code] = await exited;
  return code;
}

beforeAll(async () => {
  services = await startExampleServices({ port: 0 });
});
afterAll(async () => {
  await services.close();
  await deleteKeysUnder(admin, prefix);
  admin.disconnect();
});

describe('serve with the Redis store', () => {
  it('lets a second server process read back a run executed through the first', async () => {
    const first = await serve();
    const second = await serve();
    try {
      const payload = {
        workflow_id: 'wf-serve-e2e',
        namespace: 'e2e',
        original_input: 'hello',
        STEPS_CONFIG: [
          {
            step_name: 'shout',
            usid: 's1',
            service_url: `${services.baseUrl}/echo`,
            outputs: ['shouted'],
            headers: { Authorization: 'Bearer {{secrets.DEMO_TOKEN}}' },
            input_prep_config: { mapping: { text: '{{original_input}}!' } },
          },
          {
            step_name: 'repeat',
            usid: 's2',
            service_url: `${services.baseUrl}/echo`,
            dependencies: ['shouted'],
            outputs: ['result'],
            input_prep_config: { mapping: { text: '{{shouted.text}} {{shouted.text}}' } },
          },
        ],
      };
      const response = await fetch(`${first.url}/api/execute`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(payload),
      });
      expect(response.status).toBe(200);
      const result = (await response.json()) as {
        run_id: string;
        success: boolean;
        final_result: unknown;
      };
      expect(result).toMatchObject({ success: true, final_result: { text: 'hello! hello!' } });

      const record = (await (
        await fetch(`${second.url}/api/runs/${result.run_id}`)
      ).json()) as Record<string, unknown>;
      expect(record).toMatchObject({
        run_id: result.run_id,
        status: 'succeeded',
        success: true,
        final_result: { text: 'hello! hello!' },
      });
      expect((record.steps as { status: string }[]).map((step) => step.status)).toEqual([
        'completed',
        'completed',
      ]);

      const listed = (await (
        await fetch(`${second.url}/api/runs?workflow_id=wf-serve-e2e`)
      ).json()) as { runs: { run_id: string }[] };
      expect(listed.runs.map((run) => run.run_id)).toContain(result.run_id);

      const events = await (await fetch(`${second.url}/api/runs/${result.run_id}/events`)).text();
      expect(events.match(/^event: \w+$/gm)).toEqual([
        'event: workflow_started',
        'event: step_started',
        'event: step_completed',
        'event: step_started',
        'event: step_completed',
        'event: workflow_completed',
      ]);

      const health = (await (await fetch(`${second.url}/health`)).json()) as {
        status: string;
        store: { kind: string };
      };
      expect(health).toMatchObject({ status: 'healthy', store: { kind: 'redis' } });
    } finally {
      expect(await stop(first)).toBe(0);
      expect(await stop(second)).toBe(0);
    }
    expect(first.logs()).not.toContain('serve-e2e-secret-value');
    expect(first.logs()).toContain('"runId"');
  });
});
