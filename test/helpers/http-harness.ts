/**
 * Helpers for the HTTP API tests: a service on 127.0.0.1 (port 0) built from a test
 * configuration, payload builders for the example services, and an SSE reader.
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, expect } from 'vitest';
import { buildServer } from '../../src/adapters/http-api/index.js';
import { buildApp, type App } from '../../src/app/build-app.js';
import { ServerSentEventParser } from '../../src/blocks/sse.js';
import { startExampleServices, type ExampleServices } from '../../src/examples/index.js';
import { loadConfig, type EngineConfig } from '../../src/config/index.js';
import type { WorkflowEvent } from '../../src/core/run/index.js';
import { startServer, type RunningServer } from '../../src/server.js';

/**
 * A test configuration: silent logs, any free port, no shutdown grace (runs still in flight when
 * a test ends are cancelled at once); `env` adds or overrides variables.
 */
export function testConfig(env: Record<string, string> = {}): EngineConfig {
  return loadConfig({
    env: { WFE_LOG_LEVEL: 'silent', WFE_PORT: '0', WFE_SHUTDOWN_GRACE_MS: '0', ...env },
    isTty: false,
  });
}

/** Starts the whole service (config, app, server) on 127.0.0.1 and a free port. */
export async function startTestService(env: Record<string, string> = {}): Promise<RunningServer> {
  return startServer(testConfig(env));
}

/** One step posting `body` to the example services' `/echo`. */
export function echoStep(
  baseUrl: string,
  usid: string,
  body: unknown,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    step_name: `step_${usid}`,
    usid,
    service_url: `${baseUrl}/echo`,
    method: 'POST',
    outputs: [`out_${usid}`],
    input_prep_config: { type: 'json', mapping: body },
    ...extra,
  };
}

/**
 * A diamond: `a` echoes the input, `b` and `c` build on it in parallel, `d` joins them. Its
 * `final_result` is `d`'s output: `{ joined: "<tag>|<tag>!|<tag>?" }`.
 */
export function diamondPayload(
  baseUrl: string,
  tag: string,
  settings: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    workflow_id: `wf-${tag}`,
    namespace: 'tests',
    original_input: tag,
    STEPS_CONFIG: [
      echoStep(baseUrl, 'a', { text: '{{original_input}}' }),
      echoStep(baseUrl, 'b', { text: '{{out_a.text}}!' }, { dependencies: ['out_a'] }),
      echoStep(baseUrl, 'c', { text: '{{out_a.text}}?' }, { dependencies: ['out_a'] }),
      echoStep(
        baseUrl,
        'd',
        { joined: '{{out_a.text}}|{{out_b.text}}|{{out_c.text}}' },
        { dependencies: ['out_b', 'out_c'], outputs: ['final_result'] },
      ),
    ],
    PIPELINE_SETTINGS: { error_handling: { max_retries: 0 }, ...settings },
  };
}

/** One step that waits `delayMs` at the example services' `/slow`. */
export function slowPayload(
  baseUrl: string,
  delayMs: number,
  settings: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    workflow_id: 'wf-slow',
    namespace: 'tests',
    STEPS_CONFIG: [
      {
        step_name: 'wait',
        usid: 'slow1',
        service_url: `${baseUrl}/slow?delay=${delayMs}`,
        method: 'GET',
        outputs: ['waited'],
        timeout: 120,
        http_timeout: 120,
      },
    ],
    PIPELINE_SETTINGS: { error_handling: { max_retries: 0 }, ...settings },
  };
}

/** An answer with its body parsed as JSON. */
export interface JsonAnswer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

/** POSTs `body` as JSON (or sends `raw` text as is) and parses the JSON answer. */
export async function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<JsonAnswer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}

/** GETs `url` and parses the JSON answer. */
export async function getJson(
  url: string,
  headers: Record<string, string> = {},
): Promise<JsonAnswer> {
  const response = await fetch(url, { headers });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}

/** What an event stream delivered. */
export interface StreamRead {
  status: number;
  contentType: string | null;
  events: WorkflowEvent[];
  /** The SSE `id` of each message, as sent. */
  ids: string[];
  /** The SSE `event` name of each message, as sent. */
  names: string[];
  /** Everything received, comments included. */
  raw: string;
  /** True when the server ended the stream (false when the reader stopped first). */
  ended: boolean;
}

/**
 * Reads an event stream until the server ends it, or until `stopAfter` messages (then the reader
 * disconnects), or until `stopWhen(raw)` holds.
 */
export async function readEventStream(
  url: string,
  options: {
    headers?: Record<string, string>;
    stopAfter?: number;
    stopWhen?: (raw: string) => boolean;
  } = {},
): Promise<StreamRead> {
  const controller = new AbortController();
  const response = await fetch(url, { headers: options.headers ?? {}, signal: controller.signal });
  const read: StreamRead = {
    status: response.status,
    contentType: response.headers.get('content-type'),
    events: [],
    ids: [],
    names: [],
    raw: '',
    ended: false,
  };
  if (response.body === null) return read;
  const parser = new ServerSentEventParser();
  const decoder = new TextDecoder();
  const reader = response.body.getReader();
  try {
    for (;;) {
      const chunk = await reader.read();
      if (chunk.done) {
        read.ended = true;
        return read;
      }
      const text = decoder.decode(chunk.value, { stream: true });
      read.raw += text;
      for (const message of parser.push(text)) {
        read.events.push(JSON.parse(message.data) as WorkflowEvent);
        read.ids.push(message.id);
        read.names.push(message.event);
      }
      const enough = options.stopAfter !== undefined && read.events.length >= options.stopAfter;
      if (enough || options.stopWhen?.(read.raw) === true) {
        controller.abort();
        return read;
      }
    }
  } catch (error) {
    if (controller.signal.aborted) return read;
    throw error;
  }
}

/** Polls `check` until it returns a value other than undefined; rejects after `timeoutMs`. */
export async function pollFor<T>(
  check: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 5_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not true within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The API token of {@link useInjectedService}. */
export const TEST_TOKEN = 'test-token-0123456789';
export const AUTH_HEADERS = { authorization: `Bearer ${TEST_TOKEN}` };

/** A service built in-process for request injection, and the example services its steps call. */
export interface InjectedService {
  readonly server: FastifyInstance;
  /** Base URL of the example services. */
  readonly baseUrl: string;
  /** POSTs the diamond payload tagged `tag` to /api/execute with the token. */
  executeDiamond: (tag: string, extra?: Record<string, string>) => Promise<LightMyRequestResponse>;
  /** Asserts that /health still answers 200. */
  expectStillServing: () => Promise<void>;
}

/**
 * Builds the service (token {@link TEST_TOKEN}, 64 KiB body limit) and the example services
 * before the calling file's tests, and closes them after.
 */
export function useInjectedService(): InjectedService {
  let services: ExampleServices | undefined;
  let app: App | undefined;
  let server: FastifyInstance | undefined;
  beforeAll(async () => {
    services = await startExampleServices({ port: 0 });
    const config = testConfig({
      ENGINE_API_TOKEN: TEST_TOKEN,
      WFE_BODY_LIMIT_BYTES: String(64 * 1024),
    });
    app = await buildApp(config);
    server = await buildServer(app, config);
    await server.ready();
  });
  afterAll(async () => {
    await server?.close();
    await app?.close();
    await services?.close();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the service is not started yet');
    return value;
  };
  return {
    get server() {
      return started(server);
    },
    get baseUrl() {
      return started(services).baseUrl;
    },
    executeDiamond: (tag, extra = {}) =>
      started(server).inject({
        method: 'POST',
        url: '/api/execute',
        headers: { ...AUTH_HEADERS, ...extra },
        payload: diamondPayload(started(services).baseUrl, tag),
      }),
    expectStillServing: async () => {
      const health = await started(server).inject({ method: 'GET', url: '/health' });
      expect(health.statusCode).toBe(200);
    },
  };
}

/** Asserts the error body shape every error of the service has. */
export function expectErrorShape(body: Record<string, unknown>, code: string): void {
  expect(body.success).toBe(false);
  expect(body.code).toBe(code);
  expect(typeof body.error).toBe('string');
  expect((body.error as string).length).toBeGreaterThan(0);
}
