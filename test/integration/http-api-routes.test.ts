/**
 * Routes, status codes and error bodies of the HTTP API, by in-process request injection (the
 * steps still call the example services over real loopback sockets).
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/adapters/http-api/index.js';
import { buildApp, type App } from '../../src/app/build-app.js';
import { startExampleServices, type ExampleServices } from '../../src/examples/index.js';
import { ENGINE_VERSION } from '../../src/version.js';
import { diamondPayload, echoStep, testConfig } from '../helpers/http-harness.js';

const TOKEN = 'test-token-0123456789';
const auth = { authorization: `Bearer ${TOKEN}` };

let services: ExampleServices;
let app: App;
let server: FastifyInstance;

beforeAll(async () => {
  services = await startExampleServices({ port: 0 });
  const config = testConfig({ ENGINE_API_TOKEN: TOKEN, WFE_BODY_LIMIT_BYTES: String(64 * 1024) });
  app = await buildApp(config);
  server = await buildServer(app, config);
  await server.ready();
});

afterAll(async () => {
  await server.close();
  await app.close();
  await services.close();
});

async function executeDiamond(tag: string, extra: Record<string, string> = {}) {
  return server.inject({ method: 'POST', url: '/api/execute', headers: { ...auth, ...extra }, payload: diamondPayload(services.baseUrl, tag) });
}

function expectErrorShape(body: Record<string, unknown>, code: string): void {
  expect(body.success).toBe(false);
  expect(body.code).toBe(code);
  expect(typeof body.error).toBe('string');
  expect((body.error as string).length).toBeGreaterThan(0);
}

async function expectStillServing(): Promise<void> {
  const health = await server.inject({ method: 'GET', url: '/health' });
  expect(health.statusCode).toBe(200);
}

describe('GET /health', () => {
  it('is open without a token and reports the service, its version and the store', async () => {
    const response = await server.inject({ method: 'GET', url: '/health' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      status: 'healthy',
      service: 'workflow-engine',
      version: ENGINE_VERSION,
      active_runs: 0,
      store: { kind: 'memory', status: 'ok' },
    });
    expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('echoes a well-formed X-Request-Id and replaces a malformed one', async () => {
    const kept = await server.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': 'abc-123' } });
    expect(kept.headers['x-request-id']).toBe('abc-123');
    const replaced = await server.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': 'bad id\u00e9' } });
    expect(replaced.headers['x-request-id']).not.toBe('bad id\u00e9');
  });
});

describe('authentication', () => {
  it('refuses /api/* and /execute without the token, with a wrong token or a wrong scheme', async () => {
    const cases = [
      { url: '/api/execute', method: 'POST' as const, headers: {} },
      { url: '/execute', method: 'POST' as const, headers: { authorization: 'Bearer wrong' } },
      { url: '/api/runs', method: 'GET' as const, headers: { authorization: `Basic ${TOKEN}` } },
      { url: '/api/unknown', method: 'GET' as const, headers: {} },
    ];
    for (const { url, method, headers } of cases) {
      const response = await server.inject({ method, url, headers, payload: method === 'POST' ? {} : undefined });
      expect(response.statusCode, url).toBe(401);
      expectErrorShape(response.json(), 'UNAUTHORIZED');
      expect(response.headers['www-authenticate']).toBe('Bearer realm="workflow-engine"');
    }
    await expectStillServing();
  });

  it('checks the token before reading the body', async () => {
    const response = await server.inject({ method: 'POST', url: '/api/execute', headers: { 'content-type': 'application/json' }, payload: '{not json' });
    expect(response.statusCode).toBe(401);
  });

  it('leaves the documents open', async () => {
    expect((await server.inject({ method: 'GET', url: '/openapi.json' })).statusCode).toBe(200);
    expect((await server.inject({ method: 'GET', url: '/schema/payload.json' })).statusCode).toBe(200);
  });
});

describe('POST /api/execute and /execute', () => {
  it('answers 200 with the result on both routes', async () => {
    for (const url of ['/api/execute', '/execute']) {
      const response = await server.inject({ method: 'POST', url, headers: auth, payload: diamondPayload(services.baseUrl, 'x') });
      expect(response.statusCode, url).toBe(200);
      const body = response.json();
      expect(body).toMatchObject({ success: true, status: 'succeeded', workflow_id: 'wf-x', namespace: 'tests', steps_completed: 4 });
      expect(body.final_result).toEqual({ joined: 'x|x!|x?' });
      expect(body.steps.map((step: { usid: string }) => step.usid)).toEqual(['a', 'b', 'c', 'd']);
    }
  });

  it('answers 200 for a run that started and failed', async () => {
    const payload = { STEPS_CONFIG: [echoStep(services.baseUrl, 'a', {}, { service_url: `${services.baseUrl}/missing` })] };
    const response = await server.inject({ method: 'POST', url: '/api/execute', headers: auth, payload });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ success: false, status: 'failed', steps_failed: 1 });
    expect(response.json().error).toMatch(/HTTP 404/);
  });

  it('answers 400 INVALID_PAYLOAD listing every problem, and runs nothing', async () => {
    const payload = {
      workflow_id: 'wf-invalid',
      STEPS_CONFIG: [
        { step_name: 'a', usid: 'dup', service_url: 'ftp://x', outputs: ['o1'], dependencies: ['nowhere'] },
        { step_name: 'b', usid: 'dup', service_url: `${services.baseUrl}/echo`, outputs: ['o1'], method: 'FETCH' },
      ],
      PIPELINE_SETTINGS: { error_handling: { max_retries: '2' } },
    };
    const response = await server.inject({ method: 'POST', url: '/api/execute', headers: auth, payload });
    expect(response.statusCode).toBe(400);
    const body = response.json();
    expectErrorShape(body, 'INVALID_PAYLOAD');
    expect(body.error).toMatch(/^Payload validation failed: /);
    expect(body.issues.length).toBeGreaterThanOrEqual(5);
    expect(body.validation_errors).toHaveLength(body.issues.length);
    const paths = body.issues.map((issue: { path: string }) => issue.path);
    expect(paths).toEqual(
      expect.arrayContaining(['/STEPS_CONFIG/1/usid', '/STEPS_CONFIG/0/service_url', '/STEPS_CONFIG/1/method', '/STEPS_CONFIG/0/dependencies/0']),
    );
    // Fastify must not have coerced the string "2": our validator saw it and reported it.
    expect(paths).toContain('/PIPELINE_SETTINGS/error_handling/max_retries');
    for (const line of body.validation_errors) expect(line).toMatch(/^\/\S*: .+/);
    const runs = await server.inject({ method: 'GET', url: '/api/runs?workflow_id=wf-invalid', headers: auth });
    expect(runs.json()).toEqual({ runs: [] });
  });

  it('refuses a body over the limit with 413 before parsing, and keeps serving', async () => {
    const response = await server.inject({
      method: 'POST',
      url: '/api/execute',
      headers: { ...auth, 'content-type': 'application/json' },
      payload: `{"pad":"${'x'.repeat(70 * 1024)}"`,
    });
    expect(response.statusCode).toBe(413);
    expectErrorShape(response.json(), 'PAYLOAD_TOO_LARGE');
    expect(response.json().error).toBe('request body is larger than the limit of 65536 bytes (0.06 MiB)');
    await expectStillServing();
  });

  it('refuses other content types with 415, and keeps serving', async () => {
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const response = await server.inject({ method: 'POST', url: '/api/execute', headers: { ...auth, 'content-type': contentType }, payload: 'a=b' });
      expect(response.statusCode, contentType).toBe(415);
      expectErrorShape(response.json(), 'UNSUPPORTED_MEDIA_TYPE');
      expect(response.json().error).toContain(contentType);
    }
    await expectStillServing();
  });

  it('accepts application/*+json and a charset parameter', async () => {
    for (const contentType of ['application/json; charset=utf-8', 'application/vnd.workflow+json']) {
      const response = await server.inject({
        method: 'POST',
        url: '/api/validate',
        headers: { ...auth, 'content-type': contentType },
        payload: JSON.stringify(diamondPayload(services.baseUrl, 'ct')),
      });
      expect(response.statusCode, contentType).toBe(200);
    }
  });

  it('refuses malformed JSON with 400 MALFORMED_JSON and the parser position, and keeps serving', async () => {
    const response = await server.inject({
      method: 'POST',
      url: '/api/execute',
      headers: { ...auth, 'content-type': 'application/json' },
      payload: '{\n  "STEPS_CONFIG": [,]\n}',
    });
    expect(response.statusCode).toBe(400);
    const body = response.json();
    expectErrorShape(body, 'MALFORMED_JSON');
    expect(body.error).toBe('request body is not valid JSON: unexpected "," at line 2, column 20 (position 21)');
    expect(body.details).toEqual({ position: 21, line: 2, column: 20 });
    await expectStillServing();
  });

  it('refuses a "__proto__" key instead of passing it on', async () => {
    const response = await server.inject({
      method: 'POST',
      url: '/api/execute',
      headers: { ...auth, 'content-type': 'application/json' },
      payload: '{"STEPS_CONFIG": [], "input_data": {"__proto__": {"polluted": true}}}',
    });
    expect(response.statusCode).toBe(400);
    expectErrorShape(response.json(), 'MALFORMED_JSON');
  });

  it('treats an empty body as a missing payload', async () => {
    const response = await server.inject({ method: 'POST', url: '/api/execute', headers: { ...auth, 'content-type': 'application/json' }, payload: '' });
    expect(response.statusCode).toBe(400);
    expectErrorShape(response.json(), 'INVALID_PAYLOAD');
  });

  it('refuses an async flag other than true/false/1/0 with 400 INVALID_REQUEST', async () => {
    const response = await server.inject({ method: 'POST', url: '/api/execute?async=maybe', headers: auth, payload: diamondPayload(services.baseUrl, 'q') });
    expect(response.statusCode).toBe(400);
    expectErrorShape(response.json(), 'INVALID_REQUEST');
  });

  it('answers 202 with the run id and its URLs for Prefer: respond-async', async () => {
    const response = await executeDiamond('async', { prefer: 'wait=10, respond-async' });
    expect(response.statusCode).toBe(202);
    const body = response.json();
    expect(Object.keys(body).sort()).toEqual(['events_url', 'run_id', 'status_url']);
    expect(body.status_url).toBe(`http://localhost:80/api/runs/${body.run_id}`);
    expect(body.events_url).toBe(`${body.status_url}/events`);
    expect(response.headers.location).toBe(body.status_url);
  });
});

describe('POST /api/validate', () => {
  it('answers the plan as levels of usids', async () => {
    const response = await server.inject({ method: 'POST', url: '/api/validate', headers: auth, payload: diamondPayload(services.baseUrl, 'v') });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ valid: true, plan: { levels: [['a'], ['b', 'c'], ['d']] } });
  });

  it('answers the 400 body for an invalid payload', async () => {
    const response = await server.inject({ method: 'POST', url: '/api/validate', headers: auth, payload: { STEPS_CONFIG: [] } });
    expect(response.statusCode).toBe(400);
    expectErrorShape(response.json(), 'INVALID_PAYLOAD');
    expect(response.json().issues[0].path).toBe('/STEPS_CONFIG');
  });
});

describe('runs', () => {
  it('answers 404 NOT_FOUND for an unknown run on every run route', async () => {
    for (const [method, url] of [
      ['GET', '/api/runs/01UNKNOWNRUN0000000000000'],
      ['POST', '/api/runs/01UNKNOWNRUN0000000000000/cancel'],
      ['GET', '/api/runs/01UNKNOWNRUN0000000000000/events'],
    ] as const) {
      const response = await server.inject({ method, url, headers: auth });
      expect(response.statusCode, url).toBe(404);
      expectErrorShape(response.json(), 'NOT_FOUND');
      expect(response.json().error).toContain('01UNKNOWNRUN0000000000000');
    }
  });

  it('answers 400 INVALID_REQUEST for a malformed run id or Last-Event-ID', async () => {
    const badId = await server.inject({ method: 'GET', url: '/api/runs/bad%20id', headers: auth });
    expect(badId.statusCode).toBe(400);
    expectErrorShape(badId.json(), 'INVALID_REQUEST');
    const badResume = await server.inject({ method: 'GET', url: '/api/runs/01X/events', headers: { ...auth, 'last-event-id': 'abc' } });
    expect(badResume.statusCode).toBe(400);
    expectErrorShape(badResume.json(), 'INVALID_REQUEST');
  });

  it('shows a finished run and refuses to cancel it with 409', async () => {
    const runId = (await executeDiamond('done')).json().run_id as string;
    const record = await server.inject({ method: 'GET', url: `/api/runs/${runId}`, headers: auth });
    expect(record.statusCode).toBe(200);
    expect(record.json()).toMatchObject({ run_id: runId, status: 'succeeded', success: true, final_result: { joined: 'done|done!|done?' } });
    expect(record.json().created_at).toMatch(/^\d{4}-\d\d-\d\dT.*Z$/);
    expect(record.json().finished_at).toMatch(/Z$/);
    const cancel = await server.inject({ method: 'POST', url: `/api/runs/${runId}/cancel`, headers: auth });
    expect(cancel.statusCode).toBe(409);
    expectErrorShape(cancel.json(), 'CONFLICT');
    expect(cancel.json().error).toContain('succeeded');
  });

  it('lists runs newest first, filtered, paged with next_before', async () => {
    const ids: string[] = [];
    for (const tag of ['p1', 'p2', 'p3']) ids.push((await executeDiamond(tag)).json().run_id as string);
    const failing = { workflow_id: 'wf-p1', namespace: 'other', STEPS_CONFIG: [echoStep(services.baseUrl, 'z', {}, { service_url: `${services.baseUrl}/missing` })] };
    const failedId = (await server.inject({ method: 'POST', url: '/api/execute', headers: auth, payload: failing })).json().run_id as string;

    const page1 = (await server.inject({ method: 'GET', url: '/api/runs?namespace=tests&limit=2', headers: auth })).json();
    expect(page1.runs.map((run: { run_id: string }) => run.run_id)).toEqual([ids[2], ids[1]]);
    expect(page1.next_before).toBe(ids[1]);
    const page2 = (await server.inject({ method: 'GET', url: `/api/runs?namespace=tests&limit=2&before=${page1.next_before}`, headers: auth })).json();
    expect(page2.runs[0].run_id).toBe(ids[0]);

    const byWorkflow = (await server.inject({ method: 'GET', url: '/api/runs?workflow_id=wf-p1', headers: auth })).json();
    expect(byWorkflow.runs.map((run: { run_id: string }) => run.run_id)).toEqual([failedId, ids[0]]);
    expect(byWorkflow.next_before).toBeUndefined();
    const failed = (await server.inject({ method: 'GET', url: '/api/runs?status=failed&namespace=other', headers: auth })).json();
    expect(failed.runs.map((run: { run_id: string }) => run.run_id)).toEqual([failedId]);
  });

  it('defaults to 50 runs and refuses a limit over 500 or an unknown status', async () => {
    const tooMany = await server.inject({ method: 'GET', url: '/api/runs?limit=501', headers: auth });
    expect(tooMany.statusCode).toBe(400);
    expectErrorShape(tooMany.json(), 'INVALID_REQUEST');
    expect(tooMany.json().error).toContain('limit');
    const badStatus = await server.inject({ method: 'GET', url: '/api/runs?status=done', headers: auth });
    expect(badStatus.statusCode).toBe(400);
    const defaults = await server.inject({ method: 'GET', url: '/api/runs', headers: auth });
    expect(defaults.statusCode).toBe(200);
    expect(defaults.json().runs.length).toBeLessThanOrEqual(50);
  });
});

describe('unknown routes', () => {
  it('answer 404 in the error shape', async () => {
    const response = await server.inject({ method: 'GET', url: '/nowhere?x=1' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({ success: false, error: 'no route GET /nowhere', code: 'NOT_FOUND' });
  });
});

describe('documents', () => {
  it('describes every route in /openapi.json, with the payload schema as the execute body', async () => {
    const document = (await server.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(document.openapi).toBe('3.1.0');
    expect(document.info.version).toBe(ENGINE_VERSION);
    expect(Object.keys(document.paths).sort()).toEqual(
      ['/api/execute', '/api/runs', '/api/runs/{run_id}', '/api/runs/{run_id}/cancel', '/api/runs/{run_id}/events', '/api/validate', '/execute', '/health', '/schema/payload.json'].sort(),
    );
    const execute = document.paths['/api/execute'].post;
    const bodySchema = execute.requestBody.content['application/json'].schema;
    expect(bodySchema.required).toContain('STEPS_CONFIG');
    expect(Object.keys(execute.responses).sort()).toEqual(['200', '202', '400', '503']);
    expect(execute.security).toEqual([{ bearer: [] }]);
    expect(document.paths['/health'].get.security).toBeUndefined();
  });

  it('serves the payload JSON Schema', async () => {
    const response = await server.inject({ method: 'GET', url: '/schema/payload.json' });
    expect(response.headers['content-type']).toMatch(/^application\/schema\+json/);
    const schema = response.json();
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(schema.properties.STEPS_CONFIG.type).toBe('array');
  });
});
