import { describe, expect, it } from 'vitest';
import type { ResolvedStep } from '../dag/types.js';
import { TemplateError } from '../errors.js';
import type { BodyType, HttpMethod } from '../payload/schema.js';
import { compileTemplate, type TemplateScope } from '../template/index.js';
import { prepareRequest } from './prepare-request.js';

interface StepSpec {
  url?: string;
  method?: HttpMethod;
  type?: BodyType;
  headers?: Record<string, string>;
  mapping?: unknown;
}

function step(spec: StepSpec): ResolvedStep {
  const limits = { maxLength: 100_000 };
  return {
    index: 0,
    usid: 'a1b2c3d4',
    name: 'analyse',
    method: spec.method ?? 'POST',
    bodyType: spec.type ?? null,
    outputs: ['result'],
    outputMapping: null,
    dependencies: [],
    upstream: [],
    downstream: [],
    triggerRule: 'all_success',
    retry: { maxRetries: 0, retryDelayMs: 0, maxRetryDelayMs: 0, backoff: 'fixed' },
    stepTimeoutMs: 1_000,
    httpTimeoutMs: 1_000,
    labels: [],
    templates: {
      serviceUrl: compileTemplate(spec.url ?? 'https://api.example.com/v1/x', {
        ...limits,
        pointer: '/service_url',
        urlEncode: true,
      }),
      headers: compileTemplate(spec.headers, { ...limits, pointer: '/headers' }),
      mapping: compileTemplate(spec.mapping, { ...limits, pointer: '/input_prep_config/mapping' }),
    },
    topoIndex: 1,
    level: 0,
  };
}

function scope(variables: Record<string, unknown>): TemplateScope {
  return { lookup: (name) => (Object.hasOwn(variables, name) ? variables[name] : undefined) };
}

const NO_VARIABLES = scope({});

function prepare(spec: StepSpec, variables: Record<string, unknown> = {}) {
  return prepareRequest(step(spec), scope(variables), 'error', 'run-1');
}

describe('prepareRequest: URL', () => {
  it('renders placeholders into service_url, URL-encoded', () => {
    const { request } = prepare(
      { url: 'https://api.example.com/users/{{user}}' },
      { user: 'a b/c' },
    );
    expect(request.url).toBe('https://api.example.com/users/a%20b%2Fc');
  });

  it('drops the fragment, which is never sent', () => {
    expect(prepare({ url: 'https://api.example.com/x?a=1#part' }).request.url).toBe(
      'https://api.example.com/x?a=1',
    );
  });

  it('throws a TemplateError naming service_url when it renders to something other than http(s)', () => {
    const cases: [string, Record<string, unknown>][] = [
      ['{{target}}', { target: 'ftp://files.example.com/x' }],
      ['{{target}}', { target: 'not a url' }],
      ['{{target}}', { target: { host: 'x' } }],
    ];
    for (const [url, variables] of cases) {
      const attempt = () => prepare({ url }, variables);
      expect(attempt).toThrow(TemplateError);
      expect(attempt).toThrow(
        /^\/service_url: service_url rendered to .*, which is not an http\(s\) URL$/,
      );
    }
    expect(() => prepare({ url: '{{target}}' }, { target: 'ftp://x' })).toThrow(
      '/service_url: service_url rendered to "ftp://x", which is not an http(s) URL',
    );
  });

  it('names the missing variable under on_missing error', () => {
    expect(() => prepare({ url: 'https://api.example.com/{{nope}}' })).toThrow(/nope/);
  });
});

describe('prepareRequest: bodies', () => {
  it('sends the mapping as JSON by default, with application/json', () => {
    const { request } = prepare(
      { mapping: { text: '{{original_input}}', n: 2 } },
      { original_input: 'hi' },
    );
    expect(request.body).toBe('{"text":"hi","n":2}');
    expect(request.headers['Content-Type']).toBe('application/json');
  });

  it('keeps the type of a whole-string placeholder in a JSON body', () => {
    const { request } = prepare({ mapping: { items: '{{list}}' } }, { list: [1, { a: true }] });
    expect(JSON.parse(request.body ?? '')).toEqual({ items: [1, { a: true }] });
  });

  it('urlencodes a form mapping, objects as JSON and null fields left out', () => {
    const { request } = prepare({
      type: 'form',
      mapping: { q: 'a b&c', n: 3, flag: false, meta: { k: 1 }, gone: null },
    });
    expect(request.body).toBe('q=a+b%26c&n=3&flag=false&meta=%7B%22k%22%3A1%7D');
    expect(request.headers['Content-Type']).toBe('application/x-www-form-urlencoded');
  });

  it('sends a text mapping as is and a non-string text mapping as JSON text', () => {
    const text = prepare({ type: 'text', mapping: 'Hello {{name}}' }, { name: 'Ada' }).request;
    expect(text.body).toBe('Hello Ada');
    expect(text.headers['Content-Type']).toBe('text/plain; charset=utf-8');
    expect(prepare({ type: 'text', mapping: { a: 1 } }).request.body).toBe('{"a":1}');
  });

  it('sends no body and no Content-Type without a mapping', () => {
    const { request } = prepare({});
    expect(request.body).toBeNull();
    expect(Object.keys(request.headers).map((name) => name.toLowerCase())).not.toContain(
      'content-type',
    );
  });

  it('lets a header of any case override the default Content-Type', () => {
    const { request } = prepare({
      headers: { 'content-TYPE': 'application/vnd.api+json' },
      mapping: { a: 1 },
    });
    expect(request.headers).toEqual({
      'content-TYPE': 'application/vnd.api+json',
      'Idempotency-Key': 'run-1:a1b2c3d4',
    });
  });

  it('rejects a form mapping that is neither an object nor a string', () => {
    expect(() => prepare({ type: 'form', mapping: [1, 2] })).toThrow(
      /^\/input_prep_config\/mapping: a form body must be an object or an encoded string, got an array \[1,2\]$/,
    );
  });
});

describe('prepareRequest: query-style methods', () => {
  it('never gives GET a body: the mapping becomes query parameters after the existing query', () => {
    const { request } = prepare(
      {
        method: 'GET',
        url: 'https://api.example.com/search?lang=en',
        mapping: { q: '{{term}}', page: 2, filter: { tag: 'x' }, skip: null },
      },
      { term: 'café au lait' },
    );
    expect(request.body).toBeNull();
    expect(request.url).toBe(
      'https://api.example.com/search?lang=en&q=caf%C3%A9+au+lait&page=2&filter=%7B%22tag%22%3A%22x%22%7D',
    );
    expect(request.headers['Content-Type']).toBeUndefined();
  });

  it('takes a string GET mapping as a ready query string', () => {
    expect(prepare({ method: 'GET', mapping: '?a=1&b=2' }).request.url).toBe(
      'https://api.example.com/v1/x?a=1&b=2',
    );
  });

  it('rejects a GET mapping that is an array', () => {
    expect(() => prepare({ method: 'GET', mapping: ['a'] })).toThrow(
      /GET sends its mapping as query parameters, so it must be an object or a query string, got an array/,
    );
  });

  it('sends a DELETE mapping as query parameters unless a body type is given', () => {
    const query = prepare({ method: 'DELETE', mapping: { id: 7 } }).request;
    expect(query.url).toBe('https://api.example.com/v1/x?id=7');
    expect(query.body).toBeNull();
    const body = prepare({ method: 'DELETE', type: 'json', mapping: { id: 7 } }).request;
    expect(body.url).toBe('https://api.example.com/v1/x');
    expect(body.body).toBe('{"id":7}');
    expect(body.headers['Content-Type']).toBe('application/json');
  });
});

describe('prepareRequest: headers', () => {
  it('adds Idempotency-Key <runId>:<usid>', () => {
    expect(prepare({}).request.headers['Idempotency-Key']).toBe('run-1:a1b2c3d4');
  });

  it('keeps an Idempotency-Key the step sets, in any case', () => {
    const { request } = prepare({ headers: { 'idempotency-KEY': 'mine' } });
    expect(request.headers).toEqual({ 'idempotency-KEY': 'mine' });
  });

  it('stringifies rendered header values and drops null ones', () => {
    const { request } = prepare(
      { headers: { 'X-Count': '{{count}}', 'X-Meta': '{{meta}}', 'X-Gone': '{{gone}}' } },
      { count: 3, meta: { a: 1 }, gone: null },
    );
    expect(request.headers).toEqual({
      'X-Count': '3',
      'X-Meta': '{"a":1}',
      'Idempotency-Key': 'run-1:a1b2c3d4',
    });
  });

  it('reports rendered values of sensitive headers, credentials alone too, short ones left out', () => {
    const { sensitiveValues } = prepare(
      {
        headers: {
          Authorization: 'Bearer {{secret}}',
          'X-Api-Key': 'key-123456',
          Cookie: 'abc',
          'X-Request-Id': 'req-12345',
          'Proxy-Authorization': 'Basic dXNlcjpwYXNz',
        },
      },
      { secret: 'sk-live-42' },
    );
    expect(sensitiveValues).toEqual([
      'Bearer sk-live-42',
      'sk-live-42',
      'key-123456',
      'Basic dXNlcjpwYXNz',
      'dXNlcjpwYXNz',
    ]);
  });

  it('does not modify the compiled templates of a static step between attempts', () => {
    const fixed = step({ headers: { A: 'b' }, mapping: { a: 1 } });
    const first = prepareRequest(fixed, NO_VARIABLES, 'error', 'run-1').request;
    first.headers['A'] = 'changed';
    const second = prepareRequest(fixed, NO_VARIABLES, 'error', 'run-2').request;
    expect(second.headers).toEqual({
      A: 'b',
      'Content-Type': 'application/json',
      'Idempotency-Key': 'run-2:a1b2c3d4',
    });
  });
});
