/**
 * The outbound HTTP step executor: one pooled keep-alive undici Agent shared by every step, with
 * redirects followed by undici's redirect interceptor. One attempt costs one timer, one abort
 * listener and one small handler object.
 */
import { Agent, interceptors, type Dispatcher } from 'undici';
import { ConfigError, StepExecutionError } from '../../../core/errors.js';
import { describeTimeout } from '../../../core/step/index.js';
import type {
  AttemptOptions,
  HttpRequest,
  HttpResponse,
  StepExecutor,
} from '../../../ports/step-executor.js';
import { ResponseCollector } from './response-collector.js';
import { transportError } from './transport-error.js';

/** Most open connections to one origin; further requests wait for a free one. */
export const DEFAULT_CONNECTIONS_PER_ORIGIN = 128;
/** How long an idle connection stays open for reuse, in ms (a server's keep-alive hint wins). */
export const DEFAULT_KEEP_ALIVE_TIMEOUT_MS = 4_000;
/** Redirects followed per attempt (SPEC 3.5). */
export const DEFAULT_MAX_REDIRECTIONS = 5;

/** Longest delay `setTimeout` honours; longer ones would fire at once. */
const MAX_TIMER_MS = 2_147_483_647;

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
 * longer than `maxRedirections` (not retryable).
 *
 * @example
 * const executor = new UndiciStepExecutor({ connectionsPerOrigin: 64 });
 * const response = await executor.execute(request, { signal, timeoutMs: 20_000, maxResponseBytes: 10 * 1024 * 1024 });
 * await executor.close();
 */
export class UndiciStepExecutor implements StepExecutor {
  readonly options: ResolvedUndiciStepExecutorOptions;
  private readonly agent: Agent;
  private readonly dispatcher: Dispatcher;

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
      // Each attempt has its own timer covering connect, headers and body; undici's separate
      // header and body timers would only add a second, differently worded time-out.
      headersTimeout: 0,
      bodyTimeout: 0,
    });
    const { maxRedirections } = this.options;
    this.dispatcher =
      maxRedirections > 0
        ? this.agent.compose(interceptors.redirect({ maxRedirections }))
        : this.agent;
  }

  /** Sends one attempt; see the class description for the errors. */
  async execute(request: HttpRequest, options: AttemptOptions): Promise<HttpResponse> {
    const { signal } = options;
    let url: URL;
    try {
      url = new URL(request.url);
    } catch (error) {
      throw new StepExecutionError('connection', `invalid URL ${JSON.stringify(request.url)}`, {
        retryable: false,
        cause: error,
      });
    }
    if (signal.aborted) throw abortedError(signal);
    const collector = new ResponseCollector(
      url.host,
      options.maxResponseBytes,
      this.options.maxRedirections,
    );
    const onAbort = (): void => collector.fail(abortedError(signal));
    const timer = setTimeout(
      () =>
        collector.fail(
          new StepExecutionError('timeout', describeTimeout(options.timeoutMs), {
            retryable: true,
          }),
        ),
      Math.min(Math.max(options.timeoutMs, 0), MAX_TIMER_MS),
    );
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      try {
        this.dispatcher.dispatch(
          {
            origin: url.origin,
            path: url.pathname + url.search,
            method: request.method,
            headers: request.headers,
            body: request.body,
          },
          collector,
        );
      } catch (error) {
        collector.fail(transportError(error, url.host));
      }
      return await collector.promise;
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    }
  }

  /** Closes pooled connections once in-flight attempts finish; later attempts are refused. */
  async close(): Promise<void> {
    if (!this.agent.closed) await this.agent.close();
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
