/**
 * Health, authentication, run routes, unknown routes and the published documents, by in-process
 * request injection (the steps still call the example services over real loopback sockets).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ENGINE_VERSION } from '../../src/version.js';
import {
  echoStep,
  AUTH_HEADERS,
  expectErrorShape,
  TEST_TOKEN,
  useInjectedService,
} from '../helpers/http-harness.js';

const service = useInjectedService();
const { executeDiamond, expectStillServing } = service;
const auth = AUTH_HEADERS;
const TOKEN = TEST_TOKEN;

describe('GET /health', () => {
  it('is open without a token and reports the service, its version and the store', async () => {
    const response = await service.server.inject({ method: 'GET', url: '/health' });
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
    const kept = await service.server.inject({
      method: 'GET',
      url: '/health',
      headers: { 'x-request-id': 'abc-123' },
    });
    expect(kept.headers['x-request-id']).toBe('abc-123');
    const replaced = await service.server.inject({
      method: 'GET',
      url: '/health',
      headers: { 'x-request-id': 'bad id\u00e9' },
    });
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
      const response = await service.server.inject({
        method,
        url,
        headers,
        payload: method === 'POST' ? {} : undefined,
      });
      expect(response.statusCode, url).toBe(401);
      expectErrorShape(response.json(), 'UNAUTHORIZED');
      expect(response.headers['www-authenticate']).toBe('Bearer realm="workflow-engine"');
    }
    await expectStillServing();
  });

  it('checks the token before reading the body', async () => {
    const response = await service.server.inject({
      method: 'POST',
      url: '/api/execute',
      headers: { 'content-type': 'application/json' },
      payload: '{not json',
    });
    expect(response.statusCode).toBe(401);
  });

  it('leaves the documents open', async () => {
    expect((await service.server.inject({ method: 'GET', url: '/openapi.json' })).statusCode).toBe(
      200,
    );
    expect(
      (await service.server.inject({ method: 'GET', url: '/schema/payload.json' })).statusCode,
    ).toBe(200);
  });
});

describe('runs', () => {
  it('answers 404 NOT_FOUND for an unknown run on every run route', async () => {
    for (const [method, url] of [
      ['GET', '/api/runs/01UNKNOWNRUN0000000000000'],
      ['POST', '/api/runs/01UNKNOWNRUN0000000000000/cancel'],
      ['GET', '/api/runs/01UNKNOWNRUN0000000000000/events'],
    ] as const) {
      const response = await service.server.inject({ method, url, headers: auth });
      expect(response.statusCode, url).toBe(404);
      expectErrorShape(response.json(), 'NOT_FOUND');
      expect(response.json().error).toContain('01UNKNOWNRUN0000000000000');
    }
  });

  it('answers 400 INVALID_REQUEST for a malformed run id or Last-Event-ID', async () => {
    const badId = await service.server.inject({
      method: 'GET',
      url: '/api/runs/bad%20id',
      headers: auth,
    });
    expect(badId.statusCode).toBe(400);
    expectErrorShape(badId.json(), 'INVALID_REQUEST');
    const badResume = await service.server.inject({
      method: 'GET',
      url: '/api/runs/01X/events',
      headers: { ...auth, 'last-event-id': 'abc' },
    });
    expect(badResume.statusCode).toBe(400);
    expectErrorShape(badResume.json(), 'INVALID_REQUEST');
  });

  it('shows a finished run and refuses to cancel it with 409', async () => {
    const runId = (await executeDiamond('done')).json().run_id as string;
    const record = await service.server.inject({
      method: 'GET',
      url: `/api/runs/${runId}`,
      headers: auth,
    });
    expect(record.statusCode).toBe(200);
    expect(record.json()).toMatchObject({
      run_id: runId,
      status: 'succeeded',
      success: true,
      final_result: { joined: 'done|done!|done?' },
    });
    expect(record.json().created_at).toMatch(/^\d{4}-\d\d-\d\dT.*Z$/);
    expect(record.json().finished_at).toMatch(/Z$/);
    const cancel = await service.server.inject({
      method: 'POST',
      url: `/api/runs/${runId}/cancel`,
      headers: auth,
    });
    expect(cancel.statusCode).toBe(409);
    expectErrorShape(cancel.json(), 'CONFLICT');
    expect(cancel.json().error).toContain('succeeded');
  });

  it('lists runs newest first, filtered, paged with next_before', async () => {
    const ids: string[] = [];
    for (const tag of ['p1', 'p2', 'p3'])
      ids.push((await executeDiamond(tag)).json().run_id as string);
    const failing = {
      workflow_id: 'wf-p1',
      namespace: 'other',
      STEPS_CONFIG: [
        echoStep(service.baseUrl, 'z', {}, { service_url: `${service.baseUrl}/missing` }),
      ],
    };
    const failedId = (
      await service.server.inject({
        method: 'POST',
        url: '/api/execute',
        headers: auth,
        payload: failing,
      })
    ).json().run_id as string;

    const page1 = (
      await service.server.inject({
        method: 'GET',
        url: '/api/runs?namespace=tests&limit=2',
        headers: auth,
      })
    ).json();
    expect(page1.runs.map((run: { run_id: string }) => run.run_id)).toEqual([ids[2], ids[1]]);
    expect(page1.next_before).toBe(ids[1]);
    const page2 = (
      await service.server.inject({
        method: 'GET',
        url: `/api/runs?namespace=tests&limit=2&before=${page1.next_before}`,
        headers: auth,
      })
    ).json();
    expect(page2.runs[0].run_id).toBe(ids[0]);

    const byWorkflow = (
      await service.server.inject({
        method: 'GET',
        url: '/api/runs?workflow_id=wf-p1',
        headers: auth,
      })
    ).json();
    expect(byWorkflow.runs.map((run: { run_id: string }) => run.run_id)).toEqual([
      failedId,
      ids[0],
    ]);
    expect(byWorkflow.next_before).toBeUndefined();
    const failed = (
      await service.server.inject({
        method: 'GET',
        url: '/api/runs?status=failed&namespace=other',
        headers: auth,
      })
    ).json();
    expect(failed.runs.map((run: { run_id: string }) => run.run_id)).toEqual([failedId]);
  });

  it('defaults to 50 runs and refuses a limit over 500 or an unknown status', async () => {
    const tooMany = await service.server.inject({
      method: 'GET',
      url: '/api/runs?limit=501',
      headers: auth,
    });
    expect(tooMany.statusCode).toBe(400);
    expectErrorShape(tooMany.json(), 'INVALID_REQUEST');
    expect(tooMany.json().error).toContain('limit');
    const badStatus = await service.server.inject({
      method: 'GET',
      url: '/api/runs?status=done',
      headers: auth,
    });
    expect(badStatus.statusCode).toBe(400);
    const defaults = await service.server.inject({
      method: 'GET',
      url: '/api/runs',
      headers: auth,
    });
    expect(defaults.statusCode).toBe(200);
    expect(defaults.json().runs.length).toBeLessThanOrEqual(50);
  });
});

describe('unknown routes', () => {
  it('answer 404 in the error shape', async () => {
    const response = await service.server.inject({ method: 'GET', url: '/nowhere?x=1' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({
      success: false,
      error: 'no route GET /nowhere',
      code: 'NOT_FOUND',
    });
  });
});

describe('documents', () => {
  it('describes every route in /openapi.json, with the payload schema as the execute body', async () => {
    const document = (await service.server.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(document.openapi).toBe('3.1.0');
    expect(document.info.version).toBe(ENGINE_VERSION);
    expect(Object.keys(document.paths).sort()).toEqual(
      [
        '/api/execute',
        '/api/runs',
        '/api/runs/{run_id}',
        '/api/runs/{run_id}/cancel',
        '/api/runs/{run_id}/events',
        '/api/validate',
        '/execute',
        '/health',
        '/schema/payload.json',
      ].sort(),
    );
    const execute = document.paths['/api/execute'].post;
    const bodySchema = execute.requestBody.content['application/json'].schema;
    expect(bodySchema.required).toContain('STEPS_CONFIG');
    expect(Object.keys(execute.responses).sort()).toEqual(['200', '202', '400', '503']);
    expect(execute.security).toEqual([{ bearer: [] }]);
    expect(document.paths['/health'].get.security).toBeUndefined();
  });

  it('serves the payload JSON Schema', async () => {
    const response = await service.server.inject({ method: 'GET', url: '/schema/payload.json' });
    expect(response.headers['content-type']).toMatch(/^application\/schema\+json/);
    const schema = response.json();
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(schema.properties.STEPS_CONFIG.type).toBe('array');
  });

  it('are matched by docs/api.md: every route has a section, every error code a row', async () => {
    const guide = readFileSync(new URL('../../docs/api.md', import.meta.url), 'utf8');
    const document = (await service.server.inject({ method: 'GET', url: '/openapi.json' })).json();
    for (const [path, operations] of Object.entries(document.paths as Record<string, object>)) {
      for (const method of Object.keys(operations)) {
        expect(guide, `${method} ${path}`).toContain(`${method.toUpperCase()} ${path}`);
      }
    }
    for (const code of [
      'INVALID_PAYLOAD',
      'MALFORMED_JSON',
      'INVALID_REQUEST',
      'UNAUTHORIZED',
      'NOT_FOUND',
      'CONFLICT',
      'PAYLOAD_TOO_LARGE',
      'UNSUPPORTED_MEDIA_TYPE',
      'UNAVAILABLE',
      'INTERNAL_ERROR',
    ]) {
      expect(guide).toMatch(new RegExp(`^\\| \\d{3} +\\| \`${code}\``, 'm'));
    }
  });
});
