/**
 * One HTTP exchange of the client: URL, headers, timeout and caller abort, and the mapping of
 * failures to {@link WorkflowEngineClientError}. Web platform APIs only.
 */
import type { ValidationIssue } from '../core/errors.js';
import { isRecord } from './block-issues.js';
import { WorkflowEngineClientError } from './client-error.js';

/** The client's options with every default applied. */
export interface ResolvedWorkflowEngineClientOptions {
  /** Ends with `/`, so that route paths resolve below it. */
  baseUrl: URL;
  token: string | undefined;
  /** Milliseconds. */
  timeoutMs: number;
  fetch: typeof fetch;
}

/** Per-call options of every client method. */
export interface CallOptions {
  /** Aborts the call (for event streams: ends the stream). */
  signal?: AbortSignal;
  /** Overrides the client's `timeoutMs` for this call. */
  timeoutMs?: number;
}

/** One request: `path` is relative to the base URL (`api/execute`). */
export interface Exchange {
  method: 'GET' | 'POST';
  path: string;
  query?: URLSearchParams;
  body?: unknown;
  headers?: Record<string, string>;
}

/** Longest piece of a non-JSON body quoted in an error message, in characters. */
const BODY_SNIPPET_CHARS = 200;

/**
 * Aborts a request when the caller's signal fires or the time is up, and tells which happened.
 * Call {@link Deadline.dispose} when the exchange is over.
 */
export class Deadline {
  readonly controller = new AbortController();
  private timedOut = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly onAbort = (): void => this.controller.abort(this.signal?.reason);

  constructor(
    readonly timeoutMs: number,
    private readonly signal: AbortSignal | undefined,
  ) {
    if (signal?.aborted === true) this.controller.abort(signal.reason);
    else signal?.addEventListener('abort', this.onAbort, { once: true });
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.controller.abort();
    }, timeoutMs);
  }

  /** Stops the clock; the caller's signal still aborts. */
  stopTimer(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  dispose(): void {
    this.stopTimer();
    this.signal?.removeEventListener('abort', this.onAbort);
  }

  /** The error to raise for a failure of `what`: timeout, caller abort or network failure. */
  toError(error: unknown, what: string): WorkflowEngineClientError {
    if (error instanceof WorkflowEngineClientError) return error;
    if (this.timedOut) {
      return new WorkflowEngineClientError(
        `${what}: no complete answer within ${this.timeoutMs} ms (timeoutMs); the run may still be going on the service`,
        { code: 'TIMEOUT', cause: error },
      );
    }
    if (this.signal?.aborted === true) {
      return new WorkflowEngineClientError(`${what}: aborted by the caller's signal`, {
        code: 'ABORTED',
        cause: error,
      });
    }
    const reason =
      error instanceof Error
        ? error.cause instanceof Error
          ? error.cause.message
          : error.message
        : String(error);
    return new WorkflowEngineClientError(`${what}: no answer from the service (${reason})`, {
      code: 'NETWORK_ERROR',
      cause: error,
    });
  }
}

/** `POST /api/execute`: how a call is named in messages. */
export function describeExchange(exchange: Exchange): string {
  return `${exchange.method} /${exchange.path}`;
}

/** Sends the request; the response's body is left to the caller. */
export async function send(
  options: ResolvedWorkflowEngineClientOptions,
  exchange: Exchange,
  deadline: Deadline,
): Promise<Response> {
  const url = new URL(exchange.path, options.baseUrl);
  if (exchange.query !== undefined) url.search = exchange.query.toString();
  const headers: Record<string, string> = { accept: 'application/json', ...exchange.headers };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  const init: RequestInit = {
    method: exchange.method,
    headers,
    signal: deadline.controller.signal,
  };
  if (exchange.body !== undefined) {
    headers['content-type'] = 'application/json';
    init.body = JSON.stringify(exchange.body);
  }
  // Called as a plain function: Workers reject a native fetch invoked with another `this`.
  const fetchImpl = options.fetch;
  try {
    return await fetchImpl(url, init);
  } catch (error) {
    throw deadline.toError(error, describeExchange(exchange));
  }
}

/** Reads a JSON body; anything else is an `INVALID_RESPONSE` error. */
export async function readJson(
  response: Response,
  what: string,
  deadline: Deadline,
): Promise<unknown> {
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    throw deadline.toError(error, what);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new WorkflowEngineClientError(
      `${what}: expected a JSON answer, got HTTP ${response.status} ${snippet(text)}`,
      { code: 'INVALID_RESPONSE', status: response.status, cause: error },
    );
  }
}

/**
 * The error for a non-success answer. The service's body `{ success: false, error, code,
 * validation_errors?, issues? }` gives the code and the message; another body is quoted.
 */
export async function failure(
  response: Response,
  what: string,
  deadline: Deadline,
): Promise<WorkflowEngineClientError> {
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    return deadline.toError(error, what);
  }
  const body = parseOrUndefined(text);
  const status = response.status;
  if (!isRecord(body) || typeof body.error !== 'string') {
    return new WorkflowEngineClientError(`${what} failed with HTTP ${status}: ${snippet(text)}`, {
      code: `HTTP_${status}`,
      status,
    });
  }
  const code = typeof body.code === 'string' && body.code !== '' ? body.code : `HTTP_${status}`;
  const validationErrors = Array.isArray(body.validation_errors)
    ? body.validation_errors.filter((entry): entry is string => typeof entry === 'string')
    : undefined;
  const issues = Array.isArray(body.issues) ? body.issues.filter(isIssue) : undefined;
  return new WorkflowEngineClientError(
    `${what} failed with HTTP ${status} ${code}: ${body.error}`,
    {
      code,
      status,
      ...(validationErrors === undefined ? {} : { validationErrors }),
      ...(issues === undefined ? {} : { issues }),
    },
  );
}

/** The error for an answer whose JSON lacks what the route promises. */
export function invalidResponse(
  what: string,
  status: number,
  expected: string,
): WorkflowEngineClientError {
  return new WorkflowEngineClientError(
    `${what}: expected ${expected} in the HTTP ${status} answer`,
    {
      code: 'INVALID_RESPONSE',
      status,
    },
  );
}

function isIssue(value: unknown): value is ValidationIssue {
  return (
    isRecord(value) &&
    typeof value.path === 'string' &&
    typeof value.code === 'string' &&
    typeof value.message === 'string'
  );
}

function parseOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // Proxies and gateways answer with HTML or plain text; the caller quotes it instead.
    return undefined;
  }
}

function snippet(text: string): string {
  if (text === '') return '(empty body)';
  return JSON.stringify(
    text.length > BODY_SNIPPET_CHARS ? `${text.slice(0, BODY_SNIPPET_CHARS)}...` : text,
  );
}
