/** A typed client of the workflow engine's HTTP API (SPEC 7), for Node and Cloudflare Workers. */
import type { ValidationIssue } from '../core/errors.js';
import type { WorkflowEventName, WorkflowPayload } from '../core/payload/schema.js';
import type { RunRecord, RunStatus, WorkflowEvent, WorkflowResult } from '../core/run/types.js';
import { isRecord } from './block-issues.js';
import { WorkflowEngineClientError } from './client-error.js';
import {
  checkTimeout,
  resolveOptions,
  type WorkflowEngineClientOptions,
} from './client-options.js';
import {
  Deadline,
  describeExchange,
  failure,
  invalidResponse,
  readJson,
  send,
  type CallOptions,
  type Exchange,
  type ResolvedWorkflowEngineClientOptions,
} from './client-request.js';
import { readServerSentEvents, type ServerSentEvent } from './sse.js';

/** The answer to an asynchronous execution; the URLs are absolute. */
export interface AsyncExecution {
  run_id: string;
  status_url: string;
  events_url: string;
}

/** Filters and paging of {@link WorkflowEngineClient.listRuns}. */
export interface RunFilter {
  workflowId?: string;
  namespace?: string;
  status?: RunStatus;
  /** Most runs in one page. @defaultValue the service's (50) */
  limit?: number;
  /** Cursor: only runs created before this run id (the previous page's `next_before`). */
  before?: string;
}

/** One page of runs, newest first. */
export interface RunList {
  runs: RunRecord[];
  /** Pass as `before` for the next page; absent on the last page. */
  next_before?: string;
}

/** The answer of {@link WorkflowEngineClient.validate}. */
export type ValidationReport =
  | { valid: true; plan: { levels: string[][] } }
  | { valid: false; error: string; validationErrors: string[]; issues: ValidationIssue[] };

/** Options of {@link WorkflowEngineClient.streamEvents}. */
export interface StreamEventsOptions {
  /** Resume after this SSE id: the events up to it are not sent again. */
  lastEventId?: string;
  /** Ends the stream. */
  signal?: AbortSignal;
}

// Keyed by the schema's union, so the compiler flags an event name added there but not here.
const EVENT_NAMES: Record<WorkflowEventName, true> = {
  workflow_started: true,
  step_started: true,
  step_retrying: true,
  step_completed: true,
  step_failed: true,
  step_aborted: true,
  workflow_completed: true,
  workflow_failed: true,
};

/**
 * Calls the workflow engine service. Every method throws {@link WorkflowEngineClientError} on an
 * error answer (the service's `code`, `status`, and for `INVALID_PAYLOAD` its `validationErrors`
 * and `issues`), on a timeout (`TIMEOUT`), on the caller's abort (`ABORTED`) and when no answer
 * comes (`NETWORK_ERROR`).
 *
 * @throws {@link ConfigError} from the constructor when an option is invalid.
 * @example
 * const client = new WorkflowEngineClient({ baseUrl: env.ENGINE_URL, token: env.ENGINE_TOKEN });
 * const result = await client.executeWorkflow(payload);
 */
export class WorkflowEngineClient {
  private readonly options: ResolvedWorkflowEngineClientOptions;

  constructor(options: WorkflowEngineClientOptions) {
    this.options = resolveOptions(options);
  }

  /**
   * Runs a workflow and waits for its result (`POST /api/execute`). A run that started resolves
   * whatever its outcome: check `result.success`.
   */
  async executeWorkflow(
    payload: WorkflowPayload,
    options: CallOptions = {},
  ): Promise<WorkflowResult> {
    const exchange: Exchange = { method: 'POST', path: 'api/execute', body: payload };
    const { status, body } = await this.call(exchange, options);
    if (!isRecord(body) || typeof body.success !== 'boolean' || typeof body.run_id !== 'string') {
      throw invalidResponse(describeExchange(exchange), status, 'a workflow result');
    }
    return body as unknown as WorkflowResult;
  }

  /**
   * Starts a workflow without waiting (`POST /api/execute` with `Prefer: respond-async`); the
   * service answers 202 at once. Any other success status is an `UNEXPECTED_STATUS` error.
   */
  async executeAsync(payload: WorkflowPayload, options: CallOptions = {}): Promise<AsyncExecution> {
    const exchange: Exchange = {
      method: 'POST',
      path: 'api/execute',
      body: payload,
      headers: { prefer: 'respond-async' },
    };
    const what = describeExchange(exchange);
    const { status, body } = await this.call(exchange, options);
    if (status !== 202) {
      throw new WorkflowEngineClientError(
        `${what}: expected HTTP 202 (respond-async), got ${status}`,
        {
          code: 'UNEXPECTED_STATUS',
          status,
        },
      );
    }
    if (
      !isRecord(body) ||
      typeof body.run_id !== 'string' ||
      typeof body.status_url !== 'string' ||
      typeof body.events_url !== 'string'
    ) {
      throw invalidResponse(what, status, 'run_id, status_url and events_url');
    }
    const base = this.options.baseUrl;
    return {
      run_id: body.run_id,
      status_url: new URL(body.status_url, base).toString(),
      events_url: new URL(body.events_url, base).toString(),
    };
  }

  /** A run's record (`GET /api/runs/{runId}`): its state so far while it runs. */
  async getRun(runId: string, options: CallOptions = {}): Promise<RunRecord> {
    return this.runRecord(
      { method: 'GET', path: `api/runs/${encodeURIComponent(runId)}` },
      options,
    );
  }

  /** One page of runs, newest first (`GET /api/runs`), optionally filtered. */
  async listRuns(filter: RunFilter = {}, options: CallOptions = {}): Promise<RunList> {
    const query = new URLSearchParams();
    if (filter.workflowId !== undefined) query.set('workflow_id', filter.workflowId);
    if (filter.namespace !== undefined) query.set('namespace', filter.namespace);
    if (filter.status !== undefined) query.set('status', filter.status);
    if (filter.limit !== undefined) query.set('limit', String(filter.limit));
    if (filter.before !== undefined) query.set('before', filter.before);
    const exchange: Exchange = { method: 'GET', path: 'api/runs', query };
    const { status, body } = await this.call(exchange, options);
    if (!isRecord(body) || !Array.isArray(body.runs)) {
      throw invalidResponse(describeExchange(exchange), status, '{ runs: [...] }');
    }
    const runs = body.runs as RunRecord[];
    return typeof body.next_before === 'string'
      ? { runs, next_before: body.next_before }
      : { runs };
  }

  /**
   * Checks a payload without running it (`POST /api/validate`). An invalid payload resolves with
   * `valid: false` and every problem; other failures throw.
   */
  async validate(payload: WorkflowPayload, options: CallOptions = {}): Promise<ValidationReport> {
    const exchange: Exchange = { method: 'POST', path: 'api/validate', body: payload };
    try {
      const { status, body } = await this.call(exchange, options);
      if (!isRecord(body) || body.valid !== true || !isRecord(body.plan)) {
        throw invalidResponse(describeExchange(exchange), status, '{ valid: true, plan }');
      }
      return { valid: true, plan: body.plan as { levels: string[][] } };
    } catch (error) {
      if (!(error instanceof WorkflowEngineClientError) || error.code !== 'INVALID_PAYLOAD')
        throw error;
      return {
        valid: false,
        error: error.message,
        validationErrors: error.validationErrors ?? [],
        issues: error.issues ?? [],
      };
    }
  }

  /**
   * Cancels a run in flight (`POST /api/runs/{runId}/cancel`) and returns its record. A run that
   * already ended is a `CONFLICT` error.
   */
  async cancel(runId: string, options: CallOptions = {}): Promise<RunRecord> {
    const path = `api/runs/${encodeURIComponent(runId)}/cancel`;
    return this.runRecord({ method: 'POST', path }, options);
  }

  /**
   * A run's events (`GET /api/runs/{runId}/events`, Server-Sent Events): past ones replayed, then
   * live ones, until the service closes the stream. The request is sent on the first iteration;
   * leaving the loop closes it. `timeoutMs` bounds the wait for the stream to open, not its length.
   * Messages whose SSE event type is neither `message` nor a workflow event name are skipped.
   */
  async *streamEvents(
    runId: string,
    options: StreamEventsOptions = {},
  ): AsyncGenerator<WorkflowEvent, void, undefined> {
    const exchange: Exchange = {
      method: 'GET',
      path: `api/runs/${encodeURIComponent(runId)}/events`,
      headers: {
        accept: 'text/event-stream',
        ...(options.lastEventId === undefined ? {} : { 'last-event-id': options.lastEventId }),
      },
    };
    const what = describeExchange(exchange);
    const deadline = new Deadline(this.options.timeoutMs, options.signal);
    try {
      const response = await send(this.options, exchange, deadline);
      deadline.stopTimer();
      if (!response.ok) throw await failure(response, what, deadline);
      if (response.body === null) throw invalidResponse(what, response.status, 'an event stream');
      try {
        for await (const message of readServerSentEvents(response.body)) {
          // Messages parsed from one chunk must not outlive the caller's abort.
          if (deadline.controller.signal.aborted) throw deadline.controller.signal.reason;
          const event = toWorkflowEvent(message, what, response.status);
          if (event !== undefined) yield event;
        }
      } catch (error) {
        throw deadline.toError(error, what);
      }
    } finally {
      deadline.dispose();
    }
  }

  private async runRecord(exchange: Exchange, options: CallOptions): Promise<RunRecord> {
    const { status, body } = await this.call(exchange, options);
    if (!isRecord(body) || typeof body.run_id !== 'string') {
      throw invalidResponse(describeExchange(exchange), status, 'a run record');
    }
    return body as unknown as RunRecord;
  }

  private async call(
    exchange: Exchange,
    options: CallOptions,
  ): Promise<{ status: number; body: unknown }> {
    const what = describeExchange(exchange);
    const deadline = new Deadline(
      checkTimeout(options.timeoutMs ?? this.options.timeoutMs),
      options.signal,
    );
    try {
      const response = await send(this.options, exchange, deadline);
      if (!response.ok) throw await failure(response, what, deadline);
      return { status: response.status, body: await readJson(response, what, deadline) };
    } finally {
      deadline.dispose();
    }
  }
}

function toWorkflowEvent(
  message: ServerSentEvent,
  what: string,
  status: number,
): WorkflowEvent | undefined {
  if (message.event !== 'message' && !Object.hasOwn(EVENT_NAMES, message.event)) return undefined;
  let data: unknown;
  try {
    data = JSON.parse(message.data) as unknown;
  } catch {
    throw invalidResponse(
      what,
      status,
      `JSON data in SSE message ${JSON.stringify(message.data.slice(0, 80))}`,
    );
  }
  if (
    !isRecord(data) ||
    typeof data.event !== 'string' ||
    !Object.hasOwn(EVENT_NAMES, data.event)
  ) {
    throw invalidResponse(
      what,
      status,
      `a workflow event in SSE message ${JSON.stringify(message.data.slice(0, 80))}`,
    );
  }
  return data as unknown as WorkflowEvent;
}
