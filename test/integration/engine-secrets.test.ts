import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeWorkflow } from '../../src/app/execute-workflow.js';
import type { WorkflowEvent } from '../../src/core/run/index.js';
import { payload, step } from '../helpers/payloads.js';
import { sendJson, startScriptedServer, type ScriptedServer } from '../helpers/scripted-server.js';

const SECRET = 'sk-live-0123456789abcdef';
const LITERAL_KEY = 'literal-api-key-42';
let server: ScriptedServer;

/** Echoes the credentials it was sent, as careless services do; /fail echoes them in an error. */
beforeAll(async () => {
  server = await startScriptedServer((request, response) => {
    const echoed = {
      authorization: request.headers.authorization,
      api_key: request.headers['x-api-key'],
      body: request.json,
    };
    sendJson(response, request.path === '/fail' ? 500 : 200, echoed);
  });
});
afterAll(() => server.close());

describe('secrets', () => {
  it('sends secret values to the service but never returns or emits them', async () => {
    const events: WorkflowEvent[] = [];
    const result = await executeWorkflow(
      payload(
        [
          step('call', `${server.url}/echo`, {
            headers: { Authorization: 'Bearer {{secrets.API_KEY}}', 'X-Api-Key': LITERAL_KEY },
            mapping: { note: 'key is {{secrets.API_KEY}}' },
          }),
          step('broken', `${server.url}/fail`, {
            dependencies: ['call'],
            headers: { Authorization: 'Bearer {{secrets.API_KEY}}' },
          }),
        ],
        { error_handling: { raise_on_error: false } },
      ),
      { secrets: { API_KEY: SECRET }, onEvent: (event) => events.push(event) },
    );
    const sent = server.requests.find((request) => request.path === '/echo')!;
    expect(sent.headers.authorization).toBe(`Bearer ${SECRET}`);
    expect(sent.headers['x-api-key']).toBe(LITERAL_KEY);

    const everything = JSON.stringify({ result, events });
    expect(everything).not.toContain(SECRET);
    expect(everything).not.toContain(LITERAL_KEY);
    expect(result.partial_outputs?.call_out).toEqual({
      authorization: '[redacted]',
      api_key: '[redacted]',
      body: { note: 'key is [redacted]' },
    });
    expect(result.steps[1]?.error).toContain('[redacted]');
  });

  it('fails the step naming the secret when it is not configured', async () => {
    const result = await executeWorkflow(
      payload([
        step('call', `${server.url}/echo`, {
          headers: { Authorization: 'Bearer {{secrets.MISSING}}' },
        }),
      ]),
      { secrets: {} },
    );
    expect(result.success).toBe(false);
    expect(result.steps[0]?.error).toContain(
      'unresolved variable secrets.MISSING in /headers/Authorization',
    );
    expect(
      server.requests.some((request) => request.headers.authorization?.includes('MISSING')),
    ).toBe(false);
  });
});
