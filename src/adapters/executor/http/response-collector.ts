/**
 * The undici dispatch handler of one attempt: gathers status, headers and body, enforces the body
 * cap while the body streams in, and settles one promise exactly once (response or error).
 */
import type { Dispatcher } from 'undici';
import { StepExecutionError } from '../../../core/errors.js';
import { describeTooLarge, describeTooManyRedirects } from '../../../core/step/index.js';
import type { HttpResponse } from '../../../ports/step-executor.js';
import { transportError } from './transport-error.js';

type Controller = Dispatcher.DispatchController;
type IncomingHeaders = Record<string, string | string[] | undefined>;

/** Statuses undici's redirect interceptor follows when a Location header is present. */
const REDIRECT_STATUSES = new Set([300, 301, 302, 303, 307, 308]);

/** Collects one response; {@link fail} ends the attempt early (time-out, abort, cap). */
export class ResponseCollector implements Dispatcher.DispatchHandler {
  /** Settles once: the response, or a `StepExecutionError`. */
  readonly promise: Promise<HttpResponse>;
  private resolve: (response: HttpResponse) => void = ignore;
  private reject: (error: StepExecutionError) => void = ignore;
  private settled = false;
  /** Set when the attempt was ended here; a request that starts later is aborted at once. */
  private failure: StepExecutionError | null = null;
  private controller: Controller | null = null;
  private status = 0;
  private headers: Record<string, string> = {};
  private readonly chunks: Buffer[] = [];
  private size = 0;

  /**
   * @param host The request's `URL.host`, for messages.
   * @param maxBytes Largest body accepted, in bytes.
   * @param maxRedirections Redirects the dispatcher follows; 0 when it follows none.
   */
  constructor(
    private readonly host: string,
    private readonly maxBytes: number,
    private readonly maxRedirections: number,
  ) {
    this.promise = new Promise<HttpResponse>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  /** Ends the attempt with `error` and aborts the request if it is under way; later calls do nothing. */
  fail(error: StepExecutionError): void {
    if (this.settled) return;
    this.settled = true;
    this.failure = error;
    this.chunks.length = 0;
    this.controller?.abort(error);
    this.reject(error);
  }

  /** Called once per hop (redirects included), when the request is assigned a connection. */
  onRequestStart(controller: Controller): void {
    this.controller = controller;
    if (this.failure !== null) controller.abort(this.failure);
  }

  onResponseStart(_controller: Controller, statusCode: number, headers: IncomingHeaders): void {
    if (this.settled) return;
    // The interceptor hands over a redirect it would otherwise follow only once its cap is used up.
    if (
      this.maxRedirections > 0 &&
      REDIRECT_STATUSES.has(statusCode) &&
      headers['location'] !== undefined
    ) {
      this.fail(
        new StepExecutionError('http', describeTooManyRedirects(this.maxRedirections, this.host), {
          retryable: false,
          httpStatus: statusCode,
        }),
      );
      return;
    }
    const declared = headers['content-length'];
    if (typeof declared === 'string' && Number(declared) > this.maxBytes) {
      this.fail(this.tooLarge());
      return;
    }
    this.status = statusCode;
    this.headers = flattenHeaders(headers);
  }

  onResponseData(_controller: Controller, chunk: Buffer): void {
    if (this.settled) return;
    this.size += chunk.length;
    if (this.size > this.maxBytes) this.fail(this.tooLarge());
    else this.chunks.push(chunk);
  }

  onResponseEnd(): void {
    if (this.settled) return;
    this.settled = true;
    const { chunks } = this;
    const body =
      chunks.length > 1
        ? Buffer.concat(chunks, this.size).toString('utf8')
        : (chunks[0]?.toString('utf8') ?? '');
    this.resolve({ status: this.status, headers: this.headers, body });
  }

  onResponseError(_controller: Controller | undefined, error: Error): void {
    if (this.settled) return;
    this.settled = true;
    this.reject(transportError(error, this.host));
  }

  private tooLarge(): StepExecutionError {
    return new StepExecutionError('too_large', describeTooLarge(this.maxBytes, this.host), {
      retryable: false,
      details: { maxResponseBytes: this.maxBytes },
    });
  }
}

function ignore(): void {}

/** Lower-case names (undici's already are), repeated headers joined with `, `. */
function flattenHeaders(headers: IncomingHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const name of Object.keys(headers)) {
    const value = headers[name];
    if (typeof value === 'string') flat[name] = value;
    else if (value !== undefined) flat[name] = value.join(', ');
  }
  return flat;
}
