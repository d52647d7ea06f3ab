import type { HttpMethod } from '../core/payload/schema.js';

/** A fully rendered request of one attempt. */
export interface HttpRequest {
  method: HttpMethod;
  /** Absolute http(s) URL, query included. */
  url: string;
  headers: Record<string, string>;
  /** Encoded body, or null (GET, query-style DELETE). */
  body: string | null;
}

/** What came back from the service, whatever its status. */
export interface HttpResponse {
  status: number;
  /** Lower-case header names. */
  headers: Record<string, string>;
  /** The body as text (UTF-8). */
  body: string;
}

/** Limits of one attempt. */
export interface AttemptOptions {
  /** Aborts the request (run cancelled, step or run timed out). */
  signal: AbortSignal;
  /** The attempt's own time limit (http_timeout), in ms. */
  timeoutMs: number;
  /** Larger bodies fail the attempt with `STEP_RESPONSE_TOO_LARGE`. */
  maxResponseBytes: number;
}

/**
 * Sends one attempt of a step. Any HTTP status is a response, not an error; transport problems
 * reject with a `StepExecutionError` of kind `connection`, `timeout`, `too_large` or `aborted`.
 */
export interface StepExecutor {
  execute(request: HttpRequest, options: AttemptOptions): Promise<HttpResponse>;
  close(): Promise<void>;
}
