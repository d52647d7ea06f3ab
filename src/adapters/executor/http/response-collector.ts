/**
 * The undici dispatch handler of one attempt: sends the request, follows redirects, gathers
 * status, headers and body, enforces the body cap while the body streams in, and settles one
 * promise exactly once (response or error). Its time limit and its abort signal are watched by
 * the executor's shared {@link Deadlines} and {@link SignalWatch}.
 */
import type { Dispatcher } from 'undici';
import { StepExecutionError } from '../../../core/errors.js';
import {
  describeTimeout,
  describeTooLarge,
  describeTooManyRedirects,
} from '../../../core/step/index.js';
import type { HttpResponse } from '../../../ports/step-executor.js';
import type { DeadlineEntry, Deadlines, Expirable, SignalWatch } from './deadlines.js';
import { nextHop, REDIRECT_STATUSES, type Hop } from './redirect-hop.js';
import { transportError } from './transport-error.js';

type Controller = Dispatcher.DispatchController;
type IncomingHeaders = Record<string, string | string[] | undefined>;

/** What an attempt shares with the others of its executor. */
export interface AttemptServices {
  readonly dispatcher: Dispatcher;
  readonly deadlines: Deadlines;
  readonly signals: SignalWatch;
}

/** The limits of one attempt. */
export interface AttemptLimits {
  /** The request's `URL.host`, for messages. */
  readonly host: string;
  readonly signal: AbortSignal;
  readonly timeoutMs: number;
  /** Largest body accepted, in bytes. */
  readonly maxBytes: number;
  /** Redirects followed; 0 returns 3xx responses as they are. */
  readonly maxRedirections: number;
}

/** Collects one attempt's response; {@link fail} ends the attempt early (time-out, abort, cap). */
export class ResponseCollector implements Dispatcher.DispatchHandler, Expirable {
  /** Settles once: the response, or a `StepExecutionError`. */
  readonly promise: Promise<HttpResponse>;
  private resolve: (response: HttpResponse) => void = ignore;
  private reject: (error: StepExecutionError) => void = ignore;
  private settled = false;
  /** Set when the attempt was ended here; a request that starts later is aborted at once. */
  private failure: StepExecutionError | null = null;
  private controller: Controller | null = null;
  private deadline: DeadlineEntry | null = null;
  private hop: Hop;
  /** The request that follows the redirect being received, if any. */
  private redirect: Hop | null = null;
  private redirects = 0;
  private status = 0;
  private headers: Record<string, string> = {};
  private readonly chunks: Buffer[] = [];
  private size = 0;

  constructor(
    private readonly services: AttemptServices,
    private readonly limits: AttemptLimits,
    first: Hop,
  ) {
    this.hop = first;
    this.promise = new Promise<HttpResponse>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  /** Sends the request and starts watching the time limit and the signal. */
  start(): Promise<HttpResponse> {
    const { deadlines, signals } = this.services;
    this.deadline = deadlines.add(this.limits.timeoutMs, this);
    signals.watch(this.limits.signal, this);
    this.send();
    return this.promise;
  }

  /** Ends the attempt with `error` and aborts the request if it is under way; later calls do nothing. */
  fail(error: StepExecutionError): void {
    if (this.settled) return;
    this.settle();
    this.failure = error;
    this.chunks.length = 0;
    this.controller?.abort(error);
    this.reject(error);
  }

  /** The attempt's time limit passed or its signal fired. */
  expire(reason: 'timeout' | 'aborted'): void {
    const { signal, timeoutMs } = this.limits;
    this.fail(
      reason === 'aborted'
        ? new StepExecutionError('aborted', 'request aborted', {
            retryable: false,
            cause: signal.reason,
          })
        : new StepExecutionError('timeout', describeTimeout(timeoutMs), { retryable: true }),
    );
  }

  /** Called once per hop, when the request is assigned a connection. */
  onRequestStart(controller: Controller): void {
    this.controller = controller;
    if (this.failure !== null) controller.abort(this.failure);
  }

  onResponseStart(_controller: Controller, statusCode: number, headers: IncomingHeaders): void {
    if (this.settled) return;
    const location = headers['location'];
    if (
      this.limits.maxRedirections > 0 &&
      REDIRECT_STATUSES.has(statusCode) &&
      typeof location === 'string'
    ) {
      if (this.redirects >= this.limits.maxRedirections) {
        this.fail(
          new StepExecutionError(
            'http',
            describeTooManyRedirects(this.limits.maxRedirections, this.limits.host),
            {
              retryable: false,
              httpStatus: statusCode,
            },
          ),
        );
        return;
      }
      this.redirect = nextHop(this.hop, statusCode, location);
      // A Location that is not an http(s) URL cannot be followed: the 3xx is the answer.
      if (this.redirect !== null) return;
    }
    const declared = headers['content-length'];
    if (typeof declared === 'string' && Number(declared) > this.limits.maxBytes) {
      this.fail(this.tooLarge());
      return;
    }
    this.status = statusCode;
    this.headers = flattenHeaders(headers);
  }

  onResponseData(_controller: Controller, chunk: Buffer): void {
    // The body of a redirect is not read: only its Location matters.
    if (this.settled || this.redirect !== null) return;
    this.size += chunk.length;
    if (this.size > this.limits.maxBytes) this.fail(this.tooLarge());
    else this.chunks.push(chunk);
  }

  onResponseEnd(): void {
    if (this.settled) return;
    const { redirect } = this;
    if (redirect !== null) {
      this.redirect = null;
      this.redirects += 1;
      this.hop = redirect;
      this.send();
      return;
    }
    this.settle();
    const { chunks } = this;
    const body =
      chunks.length > 1
        ? Buffer.concat(chunks, this.size).toString('utf8')
        : (chunks[0]?.toString('utf8') ?? '');
    this.resolve({ status: this.status, headers: this.headers, body });
  }

  onResponseError(_controller: Controller | undefined, error: Error): void {
    if (this.settled) return;
    this.settle();
    this.reject(transportError(error, this.limits.host));
  }

  private send(): void {
    const { origin, path, method, headers, body } = this.hop;
    try {
      this.services.dispatcher.dispatch({ origin, path, method, headers, body }, this);
    } catch (error) {
      this.fail(transportError(error, this.limits.host));
    }
  }

  /** Marks the attempt settled and stops watching its time limit and signal. */
  private settle(): void {
    this.settled = true;
    if (this.deadline !== null) this.services.deadlines.remove(this.deadline);
    this.services.signals.unwatch(this.limits.signal, this);
  }

  private tooLarge(): StepExecutionError {
    const { maxBytes, host } = this.limits;
    return new StepExecutionError('too_large', describeTooLarge(maxBytes, host), {
      retryable: false,
      details: { maxResponseBytes: maxBytes },
    });
  }
}

function ignore(): void {}

/**
 * Lower-case names (undici's already are), repeated headers joined with `, `. The object undici
 * hands over is this attempt's own, so it is kept as it is when every value is a single string.
 */
function flattenHeaders(headers: IncomingHeaders): Record<string, string> {
  let flat: Record<string, string> | null = null;
  for (const name in headers) {
    if (typeof headers[name] !== 'string') {
      flat = {};
      break;
    }
  }
  if (flat === null) return headers as Record<string, string>;
  for (const name of Object.keys(headers)) {
    const value = headers[name];
    if (typeof value === 'string') flat[name] = value;
    else if (value !== undefined) flat[name] = value.join(', ');
  }
  return flat;
}
