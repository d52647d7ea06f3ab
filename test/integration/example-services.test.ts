import { readFile, readdir } from 'node:fs/promises';
import { Agent, request as httpRequest } from 'node:http';
import { Value } from '@sinclair/typebox/value';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import { WorkflowPayloadSchema, type WorkflowPayload } from '../../src/core/payload/schema.js';
import {
  EXAMPLE_SERVICES_ORIGIN,
  startExampleServices,
  type ExampleServices,
} from '../../src/examples/index.js';

let services: ExampleServices;

beforeAll(async () => {
  services = await startExampleServices({ port: 0 });
});

afterAll(async () => {
  await services.close();
});

interface Reply {
  status: number;
  headers: Headers;
  json: unknown;
}

/** The value at a path of object keys and array indexes, or undefined. */
function at(value: unknown, ...path: (string | number)[]): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

function textAt(value: unknown, ...path: (string | number)[]): string {
  const found = at(value, ...path);
  if (typeof found !== 'string') throw new Error(`no string at ${path.join('.')}`);
  return found;
}

async function call(
  method: string,
  path: string,
  body?: string,
  headers: Record<string, string> = {},
  signal?: AbortSignal,
): Promise<Reply> {
  const response = await fetch(`${services.baseUrl}${path}`, { method, body, headers, signal });
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  return { status: response.status, headers: response.headers, json: await response.json() };
}

function postJson(path: string, body: unknown, headers: Record<string, string> = {}) {
  return call('POST', path, JSON.stringify(body), {
    'content-type': 'application/json',
    ...headers,
  });
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('example services: basics', () => {
  it('listens on loopback and answers /health with status ok', async () => {
    expect(services.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const reply = await call('GET', '/health');
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({ status: 'ok' });
  });

  it('answers an unknown path with 404 JSON', async () => {
    const reply = await call('GET', '/nope?x=1');
    expect(reply.status).toBe(404);
    expect(reply.json).toMatchObject({ code: 'NOT_FOUND' });
    expect(textAt(reply.json, 'error')).toContain('/nope');
  });

  it('answers a known path with the wrong method with 405 and Allow', async () => {
    const reply = await call('GET', '/router');
    expect(reply.status).toBe(405);
    expect(reply.headers.get('allow')).toBe('POST');
  });

  it.each(['/echo', '/openai/v1/chat/completions', '/anthropic/v1/messages', '/router'])(
    'answers a malformed JSON body on %s with 400 JSON and keeps serving',
    async (path) => {
      const reply = await call('POST', path, '{"text": ', { 'content-type': 'application/json' });
      expect(reply.status).toBe(400);
      expect(reply.json).toMatchObject({ code: 'INVALID_JSON' });
      expect((await call('GET', '/health')).status).toBe(200);
    },
  );

  it('refuses a body over 1 MiB with 413', async () => {
    const reply = await call('POST', '/echo', 'x'.repeat(1_048_577), {
      'content-type': 'text/plain',
    });
    expect(reply.status).toBe(413);
    expect(reply.json).toMatchObject({ code: 'BODY_TOO_LARGE' });
  });

  it('keeps the connection alive between requests', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const reused: boolean[] = [];
    try {
      for (let index = 0; index < 2; index += 1) {
        await new Promise<void>((resolve, reject) => {
          const request = httpRequest(
            `${services.baseUrl}/echo`,
            { method: 'POST', agent },
            (response) => {
              response.resume();
              response.on('end', () => resolve());
            },
          );
          request.on('error', reject);
          reused.push(request.reusedSocket);
          request.setHeader('content-type', 'application/json');
          request.end('{"n":1}');
        });
      }
    } finally {
      agent.destroy();
    }
    expect(reused).toEqual([false, true]);
  });

  it('rejects with a ConfigError when the port is taken', async () => {
    const port = Number(new URL(services.baseUrl).port);
    await expect(startExampleServices({ port })).rejects.toBeInstanceOf(ConfigError);
  });

  it('closes promptly while a slow request is pending, and close is idempotent', async () => {
    const other = await startExampleServices({ port: 0 });
    const pending = fetch(`${other.baseUrl}/slow?delay=60000`).catch((error: unknown) => error);
    await waitFor(() => other.pendingDelays() === 1, 'the delay to start');
    const startedAt = Date.now();
    await Promise.all([other.close(), other.close()]);
    expect(Date.now() - startedAt).toBeLessThan(2_000);
    expect(other.pendingDelays()).toBe(0);
    expect(await pending).toBeInstanceOf(Error);
  });
});

describe('example services: /echo', () => {
  it('returns the JSON body exactly as posted (the original example step)', async () => {
    const reply = await postJson('/echo', { text: 'Input data' });
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({ text: 'Input data' });
  });

  it.each(['PUT', 'PATCH', 'DELETE'])('echoes a JSON body sent with %s', async (method) => {
    const body = { nested: { list: [1, 'two', null, true] }, n: 3.5 };
    const reply = await call(method, '/echo', JSON.stringify(body), {
      'content-type': 'application/json',
    });
    expect(reply.json).toEqual(body);
  });

  it('wraps form and text bodies', async () => {
    const form = await call('POST', '/echo', 'a=1&b=x+y&a=2', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(form.json).toEqual({ form: { a: ['1', '2'], b: 'x y' } });
    const text = await call('POST', '/echo', 'plain words', { 'content-type': 'text/plain' });
    expect(text.json).toEqual({ text: 'plain words' });
  });

  it.each(['GET', 'DELETE'])('answers %s without a body with its query', async (method) => {
    const reply = await call(method, '/echo?greeting=hi%20there&n=1');
    expect(reply.json).toEqual({ query: { greeting: 'hi there', n: '1' } });
  });
});

describe('example services: LLM stand-ins', () => {
  const messages = [
    { role: 'system', content: 'Classify.' },
    { role: 'user', content: 'I love this product, it is great. Second sentence here.' },
  ];

  it('answers chat completions in the OpenAI shape with a summary of the last user message', async () => {
    const reply = await postJson('/openai/v1/chat/completions', { model: 'gpt-4o-mini', messages });
    expect(reply.status).toBe(200);
    expect(reply.json).toMatchObject({
      object: 'chat.completion',
      model: 'gpt-4o-mini',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'Summary: I love this product, it is great.' },
          finish_reason: 'stop',
        },
      ],
    });
    expect(typeof at(reply.json, 'id')).toBe('string');
    const usage = at(reply.json, 'usage') as Record<string, number>;
    expect(usage['total_tokens']).toBe(
      Number(usage['prompt_tokens']) + Number(usage['completion_tokens']),
    );
  });

  it('returns JSON content that parses when response_format is json_object', async () => {
    const positive = await postJson('/openai/v1/chat/completions', {
      messages,
      response_format: { type: 'json_object' },
    });
    expect(JSON.parse(textAt(positive.json, 'choices', 0, 'message', 'content'))).toEqual({
      sentiment: 'positive',
      score: 0.92,
      summary: 'I love this product, it is great.',
    });
    const negative = await postJson('/openai/v1/chat/completions', {
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Terrible, it is broken.' }] }],
      response_format: { type: 'json_object' },
    });
    expect(JSON.parse(textAt(negative.json, 'choices', 0, 'message', 'content'))).toMatchObject({
      sentiment: 'negative',
      score: 0.08,
    });
  });

  it('answers identical requests with identical content', async () => {
    const body = { messages, response_format: { type: 'json_object' } };
    const [first, second] = await Promise.all([
      postJson('/openai/v1/chat/completions', body),
      postJson('/openai/v1/chat/completions', body),
    ]);
    expect(at(first.json, 'choices')).toEqual(at(second.json, 'choices'));
    expect(at(first.json, 'id')).toBe(at(second.json, 'id'));
  });

  it('refuses chat completions without a user message', async () => {
    const reply = await postJson('/openai/v1/chat/completions', { messages: [] });
    expect(reply.status).toBe(400);
    expect(reply.json).toMatchObject({ code: 'INVALID_REQUEST' });
    const noUser = await postJson('/anthropic/v1/messages', {
      messages: [{ role: 'assistant', content: 'hi' }],
    });
    expect(noUser.status).toBe(400);
  });

  it('answers messages in the Anthropic shape with a tone that follows the sentiment', async () => {
    const positive = await postJson('/anthropic/v1/messages', {
      model: 'claude-3-5-haiku-latest',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'Great work, thanks!' }],
    });
    expect(positive.status).toBe(200);
    expect(positive.json).toMatchObject({
      type: 'message',
      role: 'assistant',
      model: 'claude-3-5-haiku-latest',
      content: [{ type: 'text' }],
      stop_reason: 'end_turn',
      usage: { input_tokens: 3 },
    });
    const negative = await postJson('/anthropic/v1/messages', {
      messages: [{ role: 'user', content: 'The app is slow and broken.' }],
    });
    expect(textAt(negative.json, 'content', 0, 'text')).not.toBe(
      textAt(positive.json, 'content', 0, 'text'),
    );
    expect(at(negative.json, 'model')).toBe('example-claude');
  });
});

describe('example services: /router', () => {
  const routes = { positive: 'aaaa0001', negative: 'bbbb0002' };

  it.each([
    ['I love it, fantastic work', 'aaaa0001'],
    ['This is awful and broken', 'bbbb0002'],
  ])('routes "%s" to %s under the requested output name', async (text, usid) => {
    const reply = await postJson('/router', { text, routes, output: 'selection_r1' });
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({ selection_r1: [usid] });
  });

  it('falls back to a route named in the text, then default, then the first route', async () => {
    const named = await postJson('/router', {
      text: 'please send this to billing',
      routes: { support: 's1', billing: 'b1' },
    });
    expect(named.json).toEqual({ selection: ['b1'] });
    const byDefault = await postJson('/router', {
      text: 'nothing special',
      routes: { support: 's1', default: 'd1' },
    });
    expect(byDefault.json).toEqual({ selection: ['d1'] });
    const first = await postJson('/router', { text: 'nothing special', routes });
    expect(first.json).toEqual({ selection: ['aaaa0001'] });
  });

  it('refuses a body without usable routes', async () => {
    const reply = await postJson('/router', { text: 'x', routes: { positive: 3 } });
    expect(reply.status).toBe(400);
    expect(textAt(reply.json, 'error')).toContain('routes');
  });
});

describe('example services: /flaky', () => {
  it('fails N times per Idempotency-Key with 503, then succeeds', async () => {
    const statuses: number[] = [];
    let last: Reply | undefined;
    for (let index = 0; index < 3; index += 1) {
      last = await call('POST', '/flaky?failures=2', '{}', {
        'content-type': 'application/json',
        'idempotency-key': 'run-a:step-1',
      });
      statuses.push(last.status);
    }
    expect(statuses).toEqual([503, 503, 200]);
    expect(last?.json).toEqual({ ok: true, attempts: 3 });
    const otherKey = await call('POST', '/flaky?failures=2', undefined, {
      'idempotency-key': 'run-b:step-1',
    });
    expect(otherKey.status).toBe(503);
    expect(otherKey.json).toMatchObject({ code: 'FLAKY_FAILURE' });
  });

  it('answers 429 with Retry-After when asked to', async () => {
    const headers = { 'idempotency-key': 'run-c:step-1' };
    const limited = await call(
      'GET',
      '/flaky?failures=1&status=429&retry_after=1',
      undefined,
      headers,
    );
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    const ok = await call('GET', '/flaky?failures=1&status=429&retry_after=1', undefined, headers);
    expect(ok.json).toEqual({ ok: true, attempts: 2 });
  });

  it('refuses a status the engine would not retry', async () => {
    const reply = await call('GET', '/flaky?status=404');
    expect(reply.status).toBe(400);
    expect(textAt(reply.json, 'error')).toContain('status');
  });
});

describe('example services: /slow', () => {
  it('answers after at least the requested delay', async () => {
    const startedAt = performance.now();
    const reply = await call('GET', '/slow?delay=200');
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(195);
    expect(reply.json).toEqual({ delayed_ms: 200 });
    const posted = await postJson('/slow?delay=10', { any: 'body' });
    expect(posted.json).toEqual({ delayed_ms: 10 });
  });

  it('drops its timer when the client disconnects', async () => {
    const controller = new AbortController();
    const pending = call('GET', '/slow?delay=30000', undefined, {}, controller.signal).catch(
      (error: unknown) => error,
    );
    await waitFor(() => services.pendingDelays() === 1, 'the delay to start');
    controller.abort();
    await pending;
    await waitFor(() => services.pendingDelays() === 0, 'the timer to be dropped');
  });

  it('refuses a delay that is not a non-negative integer', async () => {
    expect((await call('GET', '/slow?delay=-5')).status).toBe(400);
    expect((await call('GET', '/slow?delay=abc')).status).toBe(400);
  });
});

describe('example payloads', () => {
  const payloadDir = new URL('../../payloads/', import.meta.url);
  const knownPaths = new Set([
    '/echo',
    '/openai/v1/chat/completions',
    '/anthropic/v1/messages',
    '/router',
    '/flaky',
    '/slow',
  ]);

  async function loadDocuments(): Promise<[string, unknown][]> {
    const names = (await readdir(payloadDir)).filter((name) => name.endsWith('.json')).sort();
    return Promise.all(
      names.map(async (name): Promise<[string, unknown]> => [
        name,
        JSON.parse(await readFile(new URL(name, payloadDir), 'utf8')) as unknown,
      ]),
    );
  }

  /** The payload files; blocks files (`{ "blocks": [...] }`) are checked by the blocks tests. */
  async function loadPayloads(): Promise<[string, WorkflowPayload][]> {
    return (await loadDocuments()).filter(
      (entry): entry is [string, WorkflowPayload] =>
        !Array.isArray((entry[1] as { blocks?: unknown }).blocks),
    );
  }

  it('include every payload the demo promises, each listed in the README', async () => {
    const names = (await loadDocuments()).map(([name]) => name);
    expect(names).toEqual(
      expect.arrayContaining([
        'example.json',
        'simple-echo.json',
        'sequential-steps.json',
        'parallel-dag.json',
        'conditional-branch.json',
        'llm-chain.json',
        'retry-and-timeout.json',
        'blocks-analysis.json',
      ]),
    );
    const readme = await readFile(new URL('README.md', payloadDir), 'utf8');
    for (const name of names) expect(readme).toContain(`\`${name}\``);
  });

  it('are valid payloads whose service URLs all start with the example origin', async () => {
    for (const [name, payload] of await loadPayloads()) {
      const schemaErrors = [...Value.Errors(WorkflowPayloadSchema, payload)].map(
        (error) => `${error.path}: ${error.message}`,
      );
      expect(schemaErrors, name).toEqual([]);
      for (const step of payload.STEPS_CONFIG) {
        expect(step.service_url.startsWith(`${EXAMPLE_SERVICES_ORIGIN}/`), name).toBe(true);
        expect(knownPaths.has(new URL(step.service_url).pathname), step.service_url).toBe(true);
      }
      const urls = JSON.stringify(payload).match(/https?:\/\/[^"\s]*/g) ?? [];
      for (const url of urls) expect(url.startsWith(`${EXAMPLE_SERVICES_ORIGIN}/`), url).toBe(true);
    }
  });

  it('have unique ids, dependencies that resolve and templates that name known variables', async () => {
    for (const [name, payload] of await loadPayloads()) {
      const steps = payload.STEPS_CONFIG;
      const usids = steps.map((step) => step.usid);
      const outputs = steps.flatMap((step) => step.outputs);
      expect(new Set(usids).size, name).toBe(usids.length);
      expect(new Set(outputs).size, name).toBe(outputs.length);
      const stepNames = steps.map((step) => step.step_name);
      for (const step of steps) {
        for (const dependency of step.dependencies ?? []) {
          const fits = [outputs, usids, stepNames].some((names) => names.includes(dependency));
          expect(fits, `${name}: ${step.usid} depends on ${dependency}`).toBe(true);
        }
      }
      const variables = new Set([
        'original_input',
        'run',
        'secrets',
        ...Object.keys(payload.input_data ?? {}),
        ...outputs,
      ]);
      for (const match of JSON.stringify(payload).matchAll(/\{\{(.*?)\}\}/g)) {
        for (const operand of (match[1] ?? '').split('??')) {
          const trimmed = operand.trim();
          if (trimmed.startsWith('\\"')) continue;
          const base = /^[A-Za-z_][A-Za-z0-9_]*/.exec(trimmed)?.[0];
          expect(variables.has(base ?? ''), `${name}: {{${match[1]}}}`).toBe(true);
        }
      }
    }
  });
});
