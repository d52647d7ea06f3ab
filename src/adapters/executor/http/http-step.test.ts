/**
 * A step's request and response over real HTTP: core/step renders the request, the executor sends
 * it to a scripted local server, and core/step extracts the outputs from what came back.
 */
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResolvedStep } from '../../../core/dag/types.js';
import { TemplateError } from '../../../core/errors.js';
import type { BodyType, HttpMethod } from '../../../core/payload/schema.js';
import { extractOutputs, parseResponseBody, prepareRequest } from '../../../core/step/index.js';
import { compileTemplate } from '../../../core/template/index.js';
import { UndiciStepExecutor } from './undici-step-executor.js';

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** Echoes what it received, or answers `/reply/<name>` with a canned body. */
const REPLIES: Record<string, string> = {
  anthropic: JSON.stringify({ content: [{ type: 'text', text: '{"label":"kept as text"}' }] }),
  'openai-json': JSON.stringify({
    choices: [{ message: { content: '{"label":"positive","score":0.9}' } }],
  }),
  'openai-text': JSON.stringify({ choices: [{ message: { content: 'plain answer' } }] }),
  keyed: JSON.stringify({ label: 'neutral', other: 1 }),
  whole: JSON.stringify({ other: 1 }),
  text: 'not json at all',
  nested: JSON.stringify({ data: { items: [{ label: 'deep' }] } }),
};

let server: Server;
let origin: string;
let received: Received[] = [];
const executor = new UndiciStepExecutor();

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      received.push({
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        body,
      });
      const reply = REPLIES[(request.url ?? '').replace(/^\/reply\//, '')];
      response.end(reply ?? 'ok');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await executor.close();
  server.close();
});

interface StepSpec {
  path?: string;
  method?: HttpMethod;
  type?: BodyType;
  headers?: Record<string, string>;
  mapping?: unknown;
  outputs?: string[];
  outputMapping?: Record<string, string>;
}

function step(spec: StepSpec): ResolvedStep {
  const options = (pointer: string) => ({ pointer, maxLength: 100_000 });
  return {
    index: 0,
    usid: 'step-7',
    name: 'classify',
    method: spec.method ?? 'POST',
    bodyType: spec.type ?? null,
    outputs: spec.outputs ?? ['result'],
    outputMapping: spec.outputMapping ?? null,
    dependencies: [],
    upstream: [],
    downstream: [],
    triggerRule: 'all_success',
    retry: { maxRetries: 0, retryDelayMs: 0, maxRetryDelayMs: 0, backoff: 'fixed' },
    stepTimeoutMs: 5_000,
    httpTimeoutMs: 5_000,
    labels: [],
    templates: {
      serviceUrl: compileTemplate(`${origin}${spec.path ?? '/echo'}`, {
        ...options('/service_url'),
        urlEncode: true,
      }),
      headers: compileTemplate(spec.headers, options('/headers')),
      mapping: compileTemplate(spec.mapping, options('/input_prep_config/mapping')),
    },
    topoIndex: 1,
    level: 0,
  };
}

const variables: Record<string, unknown> = { original_input: 'Great product!', count: 3 };
const scope = { lookup: (name: string) => variables[name] };

/** Runs one attempt of `spec`; returns what the server received and the extracted outputs. */
async function run(spec: StepSpec): Promise<{ sent: Received; outputs: Record<string, unknown> }> {
  received = [];
  const resolved = step(spec);
  const { request } = prepareRequest(resolved, scope, 'error', 'run-42');
  const response = await executor.execute(request, {
    signal: new AbortController().signal,
    timeoutMs: 5_000,
    maxResponseBytes: 1024 * 1024,
  });
  const outputs = extractOutputs(resolved, parseResponseBody(response));
  expect(received).toHaveLength(1);
  return { sent: received[0]!, outputs };
}

describe('HTTP step requests on the wire', () => {
  it('posts a JSON body with application/json and an Idempotency-Key', async () => {
    const { sent } = await run({ mapping: { text: '{{original_input}}', n: '{{count}}' } });
    expect(sent.method).toBe('POST');
    expect(JSON.parse(sent.body)).toEqual({ text: 'Great product!', n: 3 });
    expect(sent.headers['content-type']).toBe('application/json');
    expect(sent.headers['idempotency-key']).toBe('run-42:step-7');
  });

  it('posts a form body urlencoded', async () => {
    const { sent } = await run({ type: 'form', mapping: { text: '{{original_input}}', n: 1 } });
    expect(sent.body).toBe('text=Great+product%21&n=1');
    expect(sent.headers['content-type']).toBe('application/x-www-form-urlencoded');
  });

  it('posts a text body as plain UTF-8 text', async () => {
    const { sent } = await run({ type: 'text', mapping: 'Say: {{original_input}} ✓' });
    expect(sent.body).toBe('Say: Great product! ✓');
    expect(sent.headers['content-type']).toBe('text/plain; charset=utf-8');
  });

  it('lets the step override the Content-Type and the Idempotency-Key', async () => {
    const { sent } = await run({
      headers: { 'content-type': 'application/merge-patch+json', 'Idempotency-Key': 'own-key' },
      mapping: { a: 1 },
    });
    expect(sent.headers['content-type']).toBe('application/merge-patch+json');
    expect(sent.headers['idempotency-key']).toBe('own-key');
  });

  it('sends a GET mapping as query parameters and no body', async () => {
    const { sent } = await run({
      method: 'GET',
      path: '/echo?fixed=1',
      mapping: { q: '{{original_input}}', tags: ['a', 'b'] },
    });
    expect(sent.method).toBe('GET');
    expect(sent.url).toBe('/echo?fixed=1&q=Great+product%21&tags=%5B%22a%22%2C%22b%22%5D');
    expect(sent.body).toBe('');
    expect(sent.headers['content-type']).toBeUndefined();
  });

  it('sends a DELETE mapping as query parameters, or as a body when a type is given', async () => {
    const query = await run({ method: 'DELETE', mapping: { id: 9 } });
    expect(query.sent).toMatchObject({ method: 'DELETE', url: '/echo?id=9', body: '' });
    const body = await run({ method: 'DELETE', type: 'json', mapping: { id: 9 } });
    expect(body.sent).toMatchObject({ method: 'DELETE', url: '/echo', body: '{"id":9}' });
    expect(body.sent.headers['content-type']).toBe('application/json');
  });
});

describe('HTTP step outputs from real responses', () => {
  it('takes an output_mapping path first', async () => {
    const { outputs } = await run({
      path: '/reply/nested',
      outputs: ['label'],
      outputMapping: { label: 'data.items[0].label' },
    });
    expect(outputs).toEqual({ label: 'deep' });
  });

  it('fails with a TemplateError when an output_mapping path is missing from the response', async () => {
    const resolved = step({
      path: '/reply/keyed',
      outputs: ['label'],
      outputMapping: { label: 'data.x' },
    });
    const { request } = prepareRequest(resolved, scope, 'error', 'run-42');
    const response = await executor.execute(request, {
      signal: new AbortController().signal,
      timeoutMs: 5_000,
      maxResponseBytes: 1024,
    });
    expect(() => extractOutputs(resolved, parseResponseBody(response))).toThrow(TemplateError);
    expect(() => extractOutputs(resolved, parseResponseBody(response))).toThrow(
      /path "data\.x" for output "label" of step "classify" found nothing/,
    );
  });

  it('keeps an Anthropic reply text as text', async () => {
    const { outputs } = await run({ path: '/reply/anthropic', outputs: ['label'] });
    expect(outputs).toEqual({ label: '{"label":"kept as text"}' });
  });

  it('parses OpenAI JSON content and picks the key named like the output', async () => {
    const { outputs } = await run({ path: '/reply/openai-json', outputs: ['label', 'all'] });
    expect(outputs).toEqual({ label: 'positive', all: { label: 'positive', score: 0.9 } });
  });

  it('gives OpenAI plain content as text', async () => {
    const { outputs } = await run({ path: '/reply/openai-text', outputs: ['answer'] });
    expect(outputs).toEqual({ answer: 'plain answer' });
  });

  it('picks a key named like the output, else the whole JSON, else the text', async () => {
    expect((await run({ path: '/reply/keyed', outputs: ['label'] })).outputs).toEqual({
      label: 'neutral',
    });
    expect((await run({ path: '/reply/whole', outputs: ['label'] })).outputs).toEqual({
      label: { other: 1 },
    });
    expect((await run({ path: '/reply/text', outputs: ['label'] })).outputs).toEqual({
      label: 'not json at all',
    });
  });
});
