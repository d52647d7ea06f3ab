/**
 * The non-LLM example endpoints: echo, router (if/else), flaky (retries), slow (timeouts and
 * parallelism) and health. Each one exercises one engine behaviour on loopback.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { errorReply, formToObject, isRecord, jsonReply } from './http-io.js';
import type { ExampleHandler, ExampleReply, ExampleRequest } from './http-io.js';
import { classifySentiment, wordsOf } from './text-rules.js';

/** Longest delay `/slow` waits, in ms; larger requests are capped to it. */
export const MAX_SLOW_DELAY_MS = 60_000;
/** Delay of `/slow` without `?delay=`, in ms. */
export const DEFAULT_SLOW_DELAY_MS = 1_000;
/** Idempotency keys `/flaky` remembers; the oldest is forgotten first. */
export const MAX_FLAKY_KEYS = 10_000;
/** Statuses `/flaky?status=` may answer with: the ones the engine retries. */
export const FLAKY_STATUSES: readonly number[] = [408, 429, 500, 502, 503, 504];

/** `GET /health`: `{ "status": "ok" }`. */
export function handleHealth(): ExampleReply {
  return jsonReply(200, { status: 'ok' });
}

/**
 * `/echo`, any method. GET, and other methods without a body, answer `{ "query": {...} }`; a JSON
 * body comes back as-is, a form body as `{ "form": {...} }`, any other body as `{ "text": "..." }`.
 */
export function handleEcho(request: ExampleRequest): ExampleReply {
  const body = request.body;
  if (request.method === 'GET' || body.kind === 'empty') {
    return jsonReply(200, { query: formToObject(request.query) });
  }
  switch (body.kind) {
    case 'invalid':
      return errorReply(400, 'INVALID_JSON', body.reason);
    case 'json':
      return jsonReply(200, body.value);
    case 'form':
      return jsonReply(200, { form: body.value });
    case 'text':
      return jsonReply(200, { text: body.value });
  }
}

/**
 * `POST /router`: `{ text, routes: { name: usid }, output? }` → `{ [output]: [usid] }` (output
 * defaults to `selection`). The route is the first that applies of: the keyword sentiment
 * (`positive`/`negative`/`neutral`) when `routes` has that name; a route name that appears as a
 * word in the text; `default`; the first route.
 */
export function handleRouter(request: ExampleRequest): ExampleReply {
  const body = request.body;
  if (body.kind === 'invalid') return errorReply(400, 'INVALID_JSON', body.reason);
  if (body.kind !== 'json' || !isRecord(body.value)) {
    return errorReply(400, 'INVALID_REQUEST', '/router: expected a JSON object body');
  }
  const { text, routes, output = 'selection' } = body.value;
  if (text === undefined) {
    return errorReply(400, 'INVALID_REQUEST', '/router: "text" is required');
  }
  if (!isRecord(routes) || !Object.values(routes).some(isNonEmptyString)) {
    return errorReply(
      400,
      'INVALID_REQUEST',
      '/router: "routes" must be an object mapping route names to usids, e.g. { "positive": "a1b2c3d4" }',
    );
  }
  if (!isNonEmptyString(output)) {
    return errorReply(400, 'INVALID_REQUEST', '/router: "output" must be a non-empty string');
  }
  const named = Object.entries(routes).filter((entry): entry is [string, string] =>
    isNonEmptyString(entry[1]),
  );
  const chosen = chooseRoute(typeof text === 'string' ? text : JSON.stringify(text), named);
  return jsonReply(200, { [output]: [chosen] });
}

function chooseRoute(text: string, routes: [string, string][]): string {
  const byName = new Map(routes);
  const bySentiment = byName.get(classifySentiment(text).sentiment);
  if (bySentiment !== undefined) return bySentiment;
  const words = wordsOf(text);
  const mentioned = routes.find(([name]) => words.has(name.toLowerCase()));
  if (mentioned !== undefined) return mentioned[1];
  // routes has at least one usable entry: the caller checked.
  return byName.get('default') ?? (routes[0] as [string, string])[1];
}

/**
 * `/flaky?failures=N[&status=S][&retry_after=s]`: the first N requests carrying one
 * `Idempotency-Key` get status S (default 503; with `Retry-After` when retry_after is given), the
 * next ones 200 `{ "ok": true, "attempts": k }`. Requests without the header share one counter.
 */
export function createFlakyHandler(): ExampleHandler {
  const attemptsByKey = new Map<string, number>();
  return (request) => {
    const options = readFlakyOptions(request.query);
    if (typeof options === 'string')
      return errorReply(400, 'INVALID_REQUEST', `/flaky: ${options}`);
    const header = request.headers['idempotency-key'];
    const key = typeof header === 'string' ? header : '';
    const attempt = (attemptsByKey.get(key) ?? 0) + 1;
    // Re-inserting moves the key to the end, so eviction drops the least recently used one.
    attemptsByKey.delete(key);
    attemptsByKey.set(key, attempt);
    if (attemptsByKey.size > MAX_FLAKY_KEYS) {
      const oldest = attemptsByKey.keys().next();
      if (oldest.done !== true) attemptsByKey.delete(oldest.value);
    }
    if (attempt > options.failures) return jsonReply(200, { ok: true, attempts: attempt });
    return errorReply(
      options.status,
      'FLAKY_FAILURE',
      `planned failure ${attempt} of ${options.failures} for this Idempotency-Key`,
      options.retryAfterSeconds === undefined
        ? undefined
        : { 'Retry-After': String(options.retryAfterSeconds) },
    );
  };
}

interface FlakyOptions {
  failures: number;
  status: number;
  retryAfterSeconds: number | undefined;
}

function readFlakyOptions(query: URLSearchParams): FlakyOptions | string {
  const failures = integerParam(query, 'failures', 1, 0, 1_000);
  if (typeof failures === 'string') return failures;
  const status = integerParam(query, 'status', 503, 100, 599);
  if (typeof status === 'string') return status;
  if (!FLAKY_STATUSES.includes(status)) {
    return `status must be one of ${FLAKY_STATUSES.join(', ')}, got ${status}`;
  }
  const retryAfter = integerParam(query, 'retry_after', -1, 0, 3_600);
  if (typeof retryAfter === 'string') return retryAfter;
  return { failures, status, retryAfterSeconds: retryAfter < 0 ? undefined : retryAfter };
}

/** The `/slow` handler and how many of its delays are waiting right now. */
export interface SlowEndpoint {
  handle: ExampleHandler;
  pendingDelays: () => number;
}

/**
 * `GET|POST /slow?delay=ms`: answers 200 `{ "delayed_ms": ms }` after the delay (default 1000,
 * capped at 60000). The timer is dropped as soon as the client disconnects.
 */
export function createSlowEndpoint(): SlowEndpoint {
  let pending = 0;
  const handle: ExampleHandler = async (request) => {
    if (request.body.kind === 'invalid') {
      return errorReply(400, 'INVALID_JSON', request.body.reason);
    }
    const requested = integerParam(
      request.query,
      'delay',
      DEFAULT_SLOW_DELAY_MS,
      0,
      Number.MAX_SAFE_INTEGER,
    );
    if (typeof requested === 'string')
      return errorReply(400, 'INVALID_REQUEST', `/slow: ${requested}`);
    const delayMs = Math.min(requested, MAX_SLOW_DELAY_MS);
    pending += 1;
    try {
      await sleep(delayMs, undefined, { signal: request.signal });
    } catch {
      // Aborted: the client left or the server is closing, so there is nobody to answer.
      return undefined;
    } finally {
      pending -= 1;
    }
    return jsonReply(200, { delayed_ms: delayMs });
  };
  return { handle, pendingDelays: () => pending };
}

/** An integer query parameter within bounds, its default when absent, or a message when invalid. */
function integerParam(
  query: URLSearchParams,
  name: string,
  defaultValue: number,
  min: number,
  max: number,
): number | string {
  const raw = query.get(name);
  if (raw === null || raw === '') return defaultValue;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    return `${name} must be an integer from ${min} to ${max}, got "${raw}"`;
  }
  return value;
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}
