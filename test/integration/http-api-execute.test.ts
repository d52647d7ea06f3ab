/**
 * POST /api/execute, /execute and /api/validate by in-process request injection: answers, the
 * invalid-payload body, and every refusal of a malformed request (the steps still call the
 * example services over real loopback sockets).
 */
import { describe, expect, it } from 'vitest';
import {
  diamondPayload,
  echoStep,
  AUTH_HEADERS,
  expectErrorShape,
  useInjectedService,
} from '../helpers/http-harness.js';

const service = useInjectedService();
const { executeDiamond, expectStillServing } = service;
const auth = AUTH_HEADERS;

describe('POST /api/execute and /execute', () => {
  it('answers 200 with the result on both routes', async () => {
    for (const url of ['/api/execute', '/execute']) {
      const response = await service.server.inject({
        method: 'POST',
        url,
        headers: auth,
        payload: diamondPayload(service.baseUrl, 'x'),
      });
      expect(response.statusCode, url).toBe(200);
      const body = response.json();
      expect(body).toMatchObject({
        success: true,
        status: 'succeeded',
        workflow_id: 'wf-x',
        namespace: 'tests',
        steps_completed: 4,
      });
      expect(body.final_result).toEqual({ joined: 'x|x!|x?' });
      expect(body.steps.map((step: { usid: string }) => step.usid)).toEqual(['a', 'b', 'c', 'd']);
    }
  });

  it('answers 200 for a run that started and failed', async () => {
    const payload = {
      STEPS_CONFIG: [
        echoStep(service.baseUrl, 'a', {}, { service_url: `${service.baseUrl}/missing` }),
      ],
    };
    const response = await service.server.inject({
      method: 'POST',
      url: '/api/execute',
      headers: auth,
      payload,
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ success: false, status: 'failed', steps_failed: 1 });
    expect(response.json().error).toMatch(/HTTP 404/);
  });

  it('answers 400 INVALID_PAYLOAD listing every problem, and runs nothing', async () => {
    const payload = {
      workflow_id: 'wf-invalid',
      STEPS_CONFIG: [
        {
          step_name: 'a',
          usid: 'dup',
          service_url: 'ftp://x',
          outputs: ['o1'],
          dependencies: ['nowhere'],
        },
        {
          step_name: 'b',
          usid: 'dup',
          service_url: `${service.baseUrl}/echo`,
          outputs: ['o1'],
          method: 'FETCH',
        },
      ],
      PIPELINE_SETTINGS: { error_handling: { max_retries: '2' } },
    };
    const response = await service.server.inject({
      method: 'POST',
      url: '/api/execute',
      headers: auth,
      payload,
    });
    expect(response.statusCode).toBe(400);
    const body = response.json();
    expectErrorShape(body, 'INVALID_PAYLOAD');
    expect(body.error).toMatch(/^Payload validation failed: /);
    expect(body.issues.length).toBeGreaterThanOrEqual(5);
    expect(body.validation_errors).toHaveLength(body.issues.length);
    const paths = body.issues.map((issue: { path: string }) => issue.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/STEPS_CONFIG/1/usid',
        '/STEPS_CONFIG/0/service_url',
        '/STEPS_CONFIG/1/method',
        '/STEPS_CONFIG/0/dependencies/0',
      ]),
    );
    // Fastify must not have coerced the string "2": our validator saw it and reported it.
    expect(paths).toContain('/PIPELINE_SETTINGS/error_handling/max_retries');
    for (const line of body.validation_errors) expect(line).toMatch(/^\/\S*: .+/);
    const runs = await service.server.inject({
      method: 'GET',
      url: '/api/runs?workflow_id=wf-invalid',
      headers: auth,
    });
    expect(runs.json()).toEqual({ runs: [] });
  });

  it('refuses a body over the limit with 413 before parsing, and keeps serving', async () => {
    const response = await service.server.inject({
      method: 'POST',
      url: '/api/execute',
      headers: { ...auth, 'content-type': 'application/json' },
      payload: `{"pad":"${'x'.repeat(70 * 1024)}"`,
    });
    expect(response.statusCode).toBe(413);
    expectErrorShape(response.json(), 'PAYLOAD_TOO_LARGE');
    expect(response.json().error).toBe(
      'request body is larger than the limit of 65536 bytes (0.06 MiB)',
    );
    await expectStillServing();
  });

  it('refuses other content types with 415, and keeps serving', async () => {
    for (const contentType of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
    ]) {
      const response = await service.server.inject({
        method: 'POST',
        url: '/api/execute',
        headers: { ...auth, 'content-type': contentType },
        payload: 'a=b',
      });
      expect(response.statusCode, contentType).toBe(415);
      expectErrorShape(response.json(), 'UNSUPPORTED_MEDIA_TYPE');
      expect(response.json().error).toContain(contentType);
    }
    await expectStillServing();
  });

  it('accepts application/*+json and a charset parameter', async () => {
    for (const contentType of [
      'application/json; charset=utf-8',
      'application/vnd.workflow+json',
    ]) {
      const response = await service.server.inject({
        method: 'POST',
        url: '/api/validate',
        headers: { ...auth, 'content-type': contentType },
        payload: JSON.stringify(diamondPayload(service.baseUrl, 'ct')),
      });
      expect(response.statusCode, contentType).toBe(200);
    }
  });

  it('refuses malformed JSON with 400 MALFORMED_JSON and the parser position, and keeps serving', async () => {
    const response = await service.server.inject({
      method: 'POST',
      url: '/api/execute',
      headers: { ...auth, 'content-type': 'application/json' },
      payload: '{\n  "STEPS_CONFIG": [,]\n}',
    });
    expect(response.statusCode).toBe(400);
    const body = response.json();
    expectErrorShape(body, 'MALFORMED_JSON');
    expect(body.error).toBe(
      'request body is not valid JSON: unexpected "," at line 2, column 20 (position 21)',
    );
    expect(body.details).toEqual({ position: 21, line: 2, column: 20 });
    await expectStillServing();
  });

  it('refuses a "__proto__" key instead of passing it on', async () => {
    const response = await service.server.inject({
      method: 'POST',
      url: '/api/execute',
      headers: { ...auth, 'content-type': 'application/json' },
      payload: '{"STEPS_CONFIG": [], "input_data": {"__proto__": {"polluted": true}}}',
    });
    expect(response.statusCode).toBe(400);
    expectErrorShape(response.json(), 'MALFORMED_JSON');
  });

  it('treats an empty body as a missing payload', async () => {
    const response = await service.server.inject({
      method: 'POST',
      url: '/api/execute',
      headers: { ...auth, 'content-type': 'application/json' },
      payload: '',
    });
    expect(response.statusCode).toBe(400);
    expectErrorShape(response.json(), 'INVALID_PAYLOAD');
  });

  it('refuses an async flag other than true/false/1/0 with 400 INVALID_REQUEST', async () => {
    const response = await service.server.inject({
      method: 'POST',
      url: '/api/execute?async=maybe',
      headers: auth,
      payload: diamondPayload(service.baseUrl, 'q'),
    });
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
    const response = await service.server.inject({
      method: 'POST',
      url: '/api/validate',
      headers: auth,
      payload: diamondPayload(service.baseUrl, 'v'),
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ valid: true, plan: { levels: [['a'], ['b', 'c'], ['d']] } });
  });

  it('answers the 400 body for an invalid payload', async () => {
    const response = await service.server.inject({
      method: 'POST',
      url: '/api/validate',
      headers: auth,
      payload: { STEPS_CONFIG: [] },
    });
    expect(response.statusCode).toBe(400);
    expectErrorShape(response.json(), 'INVALID_PAYLOAD');
    expect(response.json().issues[0].path).toBe('/STEPS_CONFIG');
  });
});
