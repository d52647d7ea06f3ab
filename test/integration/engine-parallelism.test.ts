import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeWorkflow } from '../../src/app/execute-workflow.js';
import { payload, step } from '../helpers/payloads.js';
import {
  sendJson,
  startScriptedServer,
  waitOrClose,
  type ScriptedServer,
} from '../helpers/scripted-server.js';

let server: ScriptedServer;

beforeAll(async () => {
  server = await startScriptedServer(async (request, response, raw) => {
    await waitOrClose(raw, Number(request.query.get('delay') ?? 0));
    sendJson(response, 200, { ok: true, path: request.path });
  });
});
afterAll(() => server.close());

function fanOut(width: number): Record<string, unknown>[] {
  const slow = Array.from({ length: width }, (_, index) =>
    step(`slow_${index}`, `${server.url}/slow?delay=300`, { dependencies: ['root_out'] }),
  );
  return [
    step('root', `${server.url}/root`),
    ...slow,
    step('join', `${server.url}/join`, { dependencies: slow.map((s) => `${String(s.usid)}_out`) }),
  ];
}

describe('parallel execution', () => {
  it('has all ten independent slow steps in flight at once on the server', async () => {
    const before = server.requests.length;
    const result = await executeWorkflow(payload(fanOut(10)));
    expect(result.success).toBe(true);
    expect(server.requests.length - before).toBe(12);
    expect(server.peakInFlight()).toBe(10);
    // Ten 300 ms calls one after another would take 3 s.
    expect(result.execution_time).toBeLessThan(2.5);
  });

  it('never has more than max_parallel_steps requests in flight', async () => {
    const limited = await startScriptedServer(async (request, response, raw) => {
      await waitOrClose(raw, Number(request.query.get('delay') ?? 0));
      sendJson(response, 200, { ok: true });
    });
    try {
      const steps = Array.from({ length: 9 }, (_, index) =>
        step(`p${index}`, `${limited.url}/slow?delay=100`),
      );
      const result = await executeWorkflow(
        payload(steps, { concurrency: { max_parallel_steps: 3 } }),
      );
      expect(result.success).toBe(true);
      expect(limited.requests).toHaveLength(9);
      expect(limited.peakInFlight()).toBe(3);
    } finally {
      await limited.close();
    }
  });
});
