/**
 * The client against a small local server answering with canned bodies of the shapes SPEC 4 and 7
 * describe. Tests against the engine's real HTTP server belong with that server.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  WorkflowEngineClient,
  WorkflowEngineClientError,
  type WorkflowEvent,
  type WorkflowPayload,
} from '../../src/blocks/index.js';
import { ConfigError } from '../../src/core/errors.js';

const TOKEN = 'test-token';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

const seen: Seen[] = [];
const closedStreams: string[] = [];
let server: Server;
let baseUrl: string;

const payload = (workflowId = 'wf-1'): WorkflowPayload => ({
  workflow_id: workflowId,
  namespace: 'ns',
  STEPS_CONFIG: [
    { step_name: 'a', usid: 'a', service_url: 'https://api.example.com/a', outputs: ['a_result'] },
  ],
});

const result = {
  success: true,
  status: 'succeeded',
  run_id: 'r1',
  workflow_id: 'wf-1',
  namespace: 'ns',
  execution_time: 0.1,
  steps_completed: 1,
  steps_failed: 0,
  steps_aborted: 0,
  steps_cancelled: 0,
  final_result: 'done',
  all_outputs: { a_result: 'done' },
  steps: [],
};

const invalidBody = {
  success: false,
  error: 'Payload validation failed: /STEPS_CONFIG/0/usid: must match [A-Za-z0-9_.:-]{1,64}',
  code: 'INVALID_PAYLOAD',
  validation_errors: ['/STEPS_CONFIG/0/usid: must match [A-Za-z0-9_.:-]{1,64}'],
  issues: [
    { path: '/STEPS_CONFIG/0/usid', code: 'pattern', message: 'must match [A-Za-z0-9_.:-]{1,64}' },
  ],
};

function event(sequence: number, name: WorkflowEvent['event']): string {
  return JSON.stringify({
    event: name,
    run_id: 'r1',
    workflow_id: 'wf-1',
    namespace: 'ns',
    sequence,
    timestamp: '2025-11-16T12:00:00.000Z',
    data: {},
  });
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function streamEvents(req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  res.on('close', () => closedStreams.push(req.url ?? ''));
  const all: [number, string][] = [
    [1, `id: 1\r\nevent: workflow_started\r\ndata: ${event(1, 'workflow_started')}\r\n\r\n`],
    [1, `: keep-alive\n\nevent: ping\ndata: {}\n\n`],
    [2, `id: 2\nevent: step_started\ndata: ${event(2, 'step_started')}\n\n`],
    [3, `id: 3\ndata: ${event(3, 'workflow_completed')}\n\n`],
  ];
  const after = Number(req.headers['last-event-id'] ?? 0);
  const text = all
    .filter(([id]) => id > after)
    .map(([, chunk]) => chunk)
    .join('');
  if (req.url?.includes('endless') === true) {
    res.write(text);
    return;
  }
  // Awkward chunk boundaries: the parser must not depend on them.
  for (let start = 0; start < text.length; start += 7) res.write(text.slice(start, start + 7));
  res.end();
}

function route(req: IncomingMessage, res: ServerResponse, body: string): void {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const path = url.pathname.replace(/^\/engine/, '');
  if (req.headers.authorization !== `Bearer ${TOKEN}`) {
    json(res, 401, {
      success: false,
      error: 'missing or invalid bearer token',
      code: 'UNAUTHORIZED',
    });
    return;
  }
  const sent = body === '' ? {} : (JSON.parse(body) as { workflow_id?: string });
  switch (`${req.method} ${path}`) {
    case 'POST /api/execute':
      if (sent.workflow_id === 'bad') json(res, 400, invalidBody);
      else if (req.headers.prefer === 'respond-async' && sent.workflow_id !== 'sync-only') {
        json(res, 202, {
          run_id: 'r1',
          status_url: '/api/runs/r1',
          events_url: '/api/runs/r1/events',
        });
      } else json(res, 200, result);
      return;
    case 'POST /api/validate':
      if (sent.workflow_id === 'bad') json(res, 400, invalidBody);
      else json(res, 200, { valid: true, plan: { levels: [['a']] } });
      return;
    case 'GET /api/runs':
      json(res, 200, {
        runs: [{ ...result, status: 'running', created_at: 'x', finished_at: null }],
        ...(url.searchParams.has('limit') ? { next_before: 'r1' } : {}),
      });
      return;
    case 'GET /api/runs/r1':
      json(res, 200, { ...result, created_at: 'x', finished_at: 'y' });
      return;
    case 'GET /api/runs/slow':
      return; // never answers
    case 'GET /api/runs/html':
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html>Bad gateway</html>');
      return;
    case 'GET /api/runs/garbage':
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('not json');
      return;
    case 'POST /api/runs/r1/cancel':
      json(res, 200, {
        ...result,
        success: false,
        status: 'cancelled',
        created_at: 'x',
        finished_at: 'y',
      });
      return;
    case 'POST /api/runs/done/cancel':
      json(res, 409, { success: false, error: 'run "done" already finished', code: 'CONFLICT' });
      return;
    case 'GET /api/runs/r1/events':
    case 'GET /api/runs/endless/events':
      streamEvents(req, res);
      return;
    case 'GET /api/runs/bad-events/events':
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end('data: {not json\n\n');
      return;
    default:
      json(res, 404, { success: false, error: `run not found: ${path}`, code: 'NOT_FOUND' });
  }
}

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      route(req, res, body);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  server.close();
  await once(server, 'close');
});

const client = (options: { timeoutMs?: number; token?: string; prefix?: string } = {}) =>
  new WorkflowEngineClient({
    baseUrl: baseUrl + (options.prefix ?? ''),
    token: options.token ?? TOKEN,
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  });

async function clientError(promise: Promise<unknown>): Promise<WorkflowEngineClientError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof WorkflowEngineClientError) return error;
    throw error;
  }
  throw new Error('expected a WorkflowEngineClientError');
}

async function collect(events: AsyncIterable<WorkflowEvent>): Promise<WorkflowEvent[]> {
  const all: WorkflowEvent[] = [];
  for await (const item of events) all.push(item);
  return all;
}

describe('WorkflowEngineClient requests', () => {
  it('posts the payload as JSON with the bearer token and returns the result', async () => {
    await expect(client().executeWorkflow(payload())).resolves.toEqual(result);
    const request = seen.at(-1)!;
    expect(request.method).toBe('POST');
    expect(request.url).toBe('/api/execute');
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(JSON.parse(request.body)).toEqual(payload());
  });

  it('keeps a path prefix of the base URL', async () => {
    await client({ prefix: '/engine' }).getRun('r1');
    expect(seen.at(-1)!.url).toBe('/engine/api/runs/r1');
  });

  it('starts a run asynchronously and resolves its URLs against the base URL', async () => {
    await expect(client().executeAsync(payload())).resolves.toEqual({
      run_id: 'r1',
      status_url: `${baseUrl}/api/runs/r1`,
      events_url: `${baseUrl}/api/runs/r1/events`,
    });
    expect(seen.at(-1)!.headers.prefer).toBe('respond-async');
  });

  it('rejects an asynchronous start the service answered synchronously', async () => {
    const error = await clientError(client().executeAsync(payload('sync-only')));
    expect(error.code).toBe('UNEXPECTED_STATUS');
    expect(error.status).toBe(200);
  });

  it('lists runs with the filters as query parameters', async () => {
    const page = await client().listRuns({
      workflowId: 'wf-1',
      namespace: 'ns',
      status: 'running',
    });
    expect(page.runs).toHaveLength(1);
    expect(page.next_before).toBeUndefined();
    expect(seen.at(-1)!.url).toBe('/api/runs?workflow_id=wf-1&namespace=ns&status=running');
  });

  it('pages runs with limit and before and returns the next cursor', async () => {
    const page = await client().listRuns({ limit: 1, before: 'r9' });
    expect(page.next_before).toBe('r1');
    expect(seen.at(-1)!.url).toBe('/api/runs?limit=1&before=r9');
  });

  it('reports a valid payload with its plan and an invalid one with every problem', async () => {
    await expect(client().validate(payload())).resolves.toEqual({
      valid: true,
      plan: { levels: [['a']] },
    });
    await expect(client().validate(payload('bad'))).resolves.toMatchObject({
      valid: false,
      validationErrors: invalidBody.validation_errors,
      issues: invalidBody.issues,
    });
  });

  it('cancels a run and returns its record', async () => {
    await expect(client().cancel('r1')).resolves.toMatchObject({
      run_id: 'r1',
      status: 'cancelled',
    });
    expect(seen.at(-1)!.url).toBe('/api/runs/r1/cancel');
  });

  it('uses the fetch it is given', async () => {
    const urls: string[] = [];
    const custom = new WorkflowEngineClient({
      baseUrl,
      token: TOKEN,
      fetch: (input, init) => {
        urls.push(input instanceof Request ? input.url : input.toString());
        return fetch(input, init);
      },
    });
    await custom.getRun('r1');
    expect(urls).toEqual([`${baseUrl}/api/runs/r1`]);
  });
});

describe('WorkflowEngineClient errors', () => {
  it('maps an invalid payload to INVALID_PAYLOAD with validation errors and issues', async () => {
    const error = await clientError(client().executeWorkflow(payload('bad')));
    expect(error).toMatchObject({
      status: 400,
      code: 'INVALID_PAYLOAD',
      validationErrors: invalidBody.validation_errors,
      issues: invalidBody.issues,
    });
    expect(error.message).toBe(
      `POST /api/execute failed with HTTP 400 INVALID_PAYLOAD: ${invalidBody.error}`,
    );
  });

  it.each([
    ['a missing token', () => client({ token: 'wrong' }).getRun('r1'), 401, 'UNAUTHORIZED'],
    ['an unknown run', () => client().getRun('nope'), 404, 'NOT_FOUND'],
    ['cancelling a finished run', () => client().cancel('done'), 409, 'CONFLICT'],
    ['a non-JSON error page', () => client().getRun('html'), 502, 'HTTP_502'],
  ])('maps %s to the status and code', async (_what, call, status, code) => {
    const error = await clientError(call());
    expect(error.status).toBe(status);
    expect(error.code).toBe(code);
  });

  it('quotes a non-JSON error body', async () => {
    const error = await clientError(client().getRun('html'));
    expect(error.message).toBe(
      'GET /api/runs/html failed with HTTP 502: "<html>Bad gateway</html>"',
    );
  });

  it('rejects a success answer that is not JSON', async () => {
    const error = await clientError(client().getRun('garbage'));
    expect(error.code).toBe('INVALID_RESPONSE');
    expect(error.message).toBe(
      'GET /api/runs/garbage: expected a JSON answer, got HTTP 200 "not json"',
    );
  });

  it('gives up after timeoutMs with a TIMEOUT error', async () => {
    const error = await clientError(client({ timeoutMs: 100 }).getRun('slow'));
    expect(error.code).toBe('TIMEOUT');
    expect(error.status).toBeUndefined();
    expect(error.message).toBe(
      'GET /api/runs/slow: no complete answer within 100 ms (timeoutMs); the run may still be going on the service',
    );
  });

  it("stops when the caller's signal aborts", async () => {
    const controller = new AbortController();
    server.once('request', () => controller.abort());
    const error = await clientError(client().getRun('slow', { signal: controller.signal }));
    expect(error.code).toBe('ABORTED');
  });

  it('reports a service that does not answer as NETWORK_ERROR', async () => {
    const closed = createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const { port } = closed.address() as AddressInfo;
    closed.close();
    await once(closed, 'close');
    const error = await clientError(
      new WorkflowEngineClient({ baseUrl: `http://127.0.0.1:${port}` }).getRun('r1'),
    );
    expect(error.code).toBe('NETWORK_ERROR');
    expect(error.message).toMatch(
      /^GET \/api\/runs\/r1: no answer from the service \(.*ECONNREFUSED/,
    );
  });

  it('refuses invalid options with a ConfigError', () => {
    expect(() => new WorkflowEngineClient({ baseUrl: 'ftp://x' })).toThrow(ConfigError);
    expect(() => new WorkflowEngineClient({ baseUrl: 'not a url' })).toThrow(
      'baseUrl must be an http(s) URL, got "not a url"',
    );
    expect(() => new WorkflowEngineClient({ baseUrl, timeoutMs: 0 })).toThrow(/timeoutMs must be/);
  });
});

describe('WorkflowEngineClient.streamEvents', () => {
  it('yields the workflow events of the stream and skips other event types', async () => {
    const events = await collect(client().streamEvents('r1'));
    expect(events.map((item) => [item.sequence, item.event])).toEqual([
      [1, 'workflow_started'],
      [2, 'step_started'],
      [3, 'workflow_completed'],
    ]);
    expect(seen.at(-1)!.headers.accept).toBe('text/event-stream');
  });

  it('sends Last-Event-ID to resume after an event', async () => {
    const events = await collect(client().streamEvents('r1', { lastEventId: '2' }));
    expect(events.map((item) => item.sequence)).toEqual([3]);
    expect(seen.at(-1)!.headers['last-event-id']).toBe('2');
  });

  it('closes the connection when the consumer stops', async () => {
    for await (const item of client().streamEvents('endless')) {
      expect(item.sequence).toBe(1);
      break;
    }
    const deadline = Date.now() + 5_000;
    while (!closedStreams.includes('/api/runs/endless/events') && Date.now() < deadline) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(closedStreams).toContain('/api/runs/endless/events');
  });

  it('ends the stream when the signal aborts', async () => {
    const controller = new AbortController();
    const received: number[] = [];
    const error = await clientError(
      (async () => {
        for await (const item of client().streamEvents('endless', { signal: controller.signal })) {
          received.push(item.sequence);
          controller.abort();
        }
      })(),
    );
    expect(received).toEqual([1]);
    expect(error.code).toBe('ABORTED');
  });

  it('maps an error answer and malformed event data to client errors', async () => {
    const missing = await clientError(collect(client().streamEvents('nope')));
    expect(missing).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    const malformed = await clientError(collect(client().streamEvents('bad-events')));
    expect(malformed.code).toBe('INVALID_RESPONSE');
  });
});
