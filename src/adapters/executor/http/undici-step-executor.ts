/**
 * The outbound HTTP step executor: one pooled keep-alive undici Agent shared by every step. One
 * attempt costs one small handler object and one promise: time limits share one timer, abort
 * signals one listener each, redirects are followed by the handler, and parsed URLs are reused.
 */
import { Agent } from 'undici';
import { ConfigError, StepExecutionError } from '../../../core/errors.js';
import type {
  AttemptOptions,
  HttpRequest,
  HttpResponse,
  StepExecutor,
} from '../../../ports/step-executor.js';
import { Deadlines, SignalWatch } from './deadlines.js';
import { ResponseCollector, type AttemptServices } from './response-collector.js';

/** Most open connections to one origin; further requests wait for a free one. */
export const DEFAULT_CONNECTIONS_PER_ORIGIN = 128;
/** How long an idle connection stays open for reuse, in ms (a server's keep-alive hint wins). */
export const DEFAULT_KEEP_ALIVE_TIMEOUT_MS = 4_000;
/** Redirects followed per attempt (SPEC 3.5). */
export const DEFAULT_MAX_REDIRECTIONS = 5;

/** Parsed URLs kept for reuse; steps of a workflow mostly call a handful of URLs. */
const MAX_CACHED_TARGETS = 256;

/** Where a request goes, as undici's dispatch wants it. */
interface Target {
  readonly origin: string;
  /** Path and query; the fragment is never sent. */
  readonly path: string;
  readonly host: string;
}

/** What callers pass to {@link UndiciStepExecutor}. */
export interface UndiciStepExecutorOptions {
  /** Most open connections per origin. @defaultValue 128 */
  connectionsPerOrigin?: number;
  /** Idle time before a pooled connection is closed, in ms. @defaultValue 4000 */
  keepAliveTimeoutMs?: number;
  /** Redirects followed per attempt; 0 returns 3xx responses as they are. @defaultValue 5 */
  maxRedirections?: number;
}

/** {@link UndiciStepExecutorOptions} with every default applied. */
export type ResolvedUndiciStepExecutorOptions = Readonly<Required<UndiciStepExecutorOptions>>;

/**
 * Sends step attempts over undici. Any status is a response; transport problems reject with a
 * `StepExecutionError`: `connection` (refused, reset, DNS; retryable), `timeout` (the attempt's
 * `timeoutMs`; retryable), `aborted` (the caller's signal; not retryable), `too_large` (body over
 * `maxResponseBytes`, announced or streamed; not retryable), and `http` for a redirect chain
 * longer than `maxRedirections` (not retryable). A redirect is followed as browsers do: 303 (and
 * 301/302 after a POST) becomes a GET without a body; credentials are not sent to another origin.
 *
 * @example
 * const executor = new UndiciStepExecutor({ connectionsPerOrigin: 64 });
 * const response = await executor.execute(request, { signal, timeoutMs: 20_000, maxResponseBytes: 10 * 1024 * 1024 });
 * await executor.close();
 */
export class UndiciStepExecutor implements StepExecutor {
  readonly options: ResolvedUndiciStepExecutorOptions;
  private readonly agent: Agent;
  private readonly services: AttemptServices;
  private readonly targets = new Map<string, Target>();

  /** @throws ConfigError when an option is not a whole number in range. */
  constructor(options: UndiciStepExecutorOptions = {}) {
    this.options = Object.freeze({
      connectionsPerOrigin: wholeNumber(
        'connectionsPerOrigin',
        options.connectionsPerOrigin ?? DEFAULT_CONNECTIONS_PER_ORIGIN,
        1,
      ),
      keepAliveTimeoutMs: wholeNumber(
        'keepAliveTimeoutMs',
        options.keepAliveTimeoutMs ?? DEFAULT_KEEP_ALIVE_TIMEOUT_MS,
        1,
      ),
      maxRedirections: wholeNumber(
        'maxRedirections',
        options.maxRedirections ?? DEFAULT_MAX_REDIRECTIONS,
        0,
      ),
    });
    this.agent = new Agent({
      connections: this.options.connectionsPerOrigin,
      keepAliveTimeout: this.options.keepAliveTimeoutMs,
      // Each attempt's own time limit covers connect, headers and body; undici's separate
      // header and body timers would only add a second, differently worded time-out.
      headersTimeout: 0,
      bodyTimeout: 0,
    });
    this.services = {
      dispatcher: this.agent,
      deadlines: new Deadlines(),
      signals: new SignalWatch(),
    };
  }

  /** Sends one attempt; see the class description for the errors. */
  execute(request: HttpRequest, options: AttemptOptions): Promise<HttpResponse> {
    const { signal } = options;
    let target: Target;
    try {
      target = this.targetOf(request.url);
    } catch (error) {
      return Promise.reject(
        new StepExecutionError('connection', `invalid URL ${JSON.stringify(request.url)}`, {
          retryable: false,
          cause: error,
        }),
      );
    }
    if (signal.aborted) return Promise.reject(abortedError(signal));
    const collector = new ResponseCollector(
      this.services,
      {
        host: target.host,
        signal,
        timeoutMs: Math.max(options.timeoutMs, 0),
        maxBytes: options.maxResponseBytes,
        maxRedirections: this.options.maxRedirections,
      },
      {
        origin: target.origin,
        path: target.path,
        method: request.method,
        headers: request.headers,
        body: request.body,
      },
    );
    return collector.start();
  }

  /** Closes pooled connections once in-flight attempts finish; later attempts are refused. */
  async close(): Promise<void> {
    if (!this.agent.closed) await this.agent.close();
    this.services.deadlines.clear();
  }

  /** @throws TypeError when `url` does not parse. */
  private targetOf(url: string): Target {
    let target = this.targets.get(url);
    if (target === undefined) {
      const parsed = new URL(url);
      target = { origin: parsed.origin, path: parsed.pathname + parsed.search, host: parsed.host };
      // Templated URLs (an id per run) would grow the cache without end: start over when full.
      if (this.targets.size >= MAX_CACHED_TARGETS) this.targets.clear();
      this.targets.set(url, target);
    }
    return target;
  }
}

function abortedError(signal: AbortSignal): StepExecutionError {
  return new StepExecutionError('aborted', 'request aborted', {
    retryable: false,
    cause: signal.reason,
  });
}

function wholeNumber(name: string, value: number, min: number): number {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new ConfigError(`executor ${name} must be an integer >= ${min}, got ${String(value)}`);
  }
  return value;
}
