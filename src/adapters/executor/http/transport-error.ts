/**
 * Maps what undici and the socket layer throw to the engine's `StepExecutionError`, with the
 * wording of SPEC 3.4 (`connection refused (127.0.0.1:9)`).
 */
import { StepExecutionError } from '../../../core/errors.js';
import { describeConnectionFailure, type ConnectionProblem } from '../../../core/step/index.js';

/** Error codes, from Node's socket and DNS layers and from undici, sorted by problem. */
const PROBLEMS: Readonly<Record<string, ConnectionProblem>> = {
  ECONNREFUSED: 'refused',
  ECONNRESET: 'reset',
  EPIPE: 'reset',
  // undici's SocketError: "other side closed", the peer hung up mid-request.
  UND_ERR_SOCKET: 'reset',
  ENOTFOUND: 'host_not_found',
  EAI_AGAIN: 'host_not_found',
  EAI_NONAME: 'host_not_found',
  ETIMEDOUT: 'timed_out',
  UND_ERR_CONNECT_TIMEOUT: 'timed_out',
};

/**
 * Codes of requests undici refused to send (a header value with a line break, a redirect that
 * loops back to a visited URL): sending the same request again fails the same way.
 */
const REJECTED_CODES = new Set(['UND_ERR_INVALID_ARG', 'UND_ERR_NOT_SUPPORTED']);

/**
 * The `StepExecutionError` for a transport failure of a request to `host`: kind `connection`,
 * retryable, except for requests undici refused to send (not retryable).
 *
 * @param host The request's `URL.host`, shown in the message.
 */
export function transportError(error: unknown, host: string): StepExecutionError {
  const code = errorCode(error);
  const problem = code === undefined ? undefined : PROBLEMS[code];
  if (problem !== undefined) {
    return new StepExecutionError('connection', describeConnectionFailure(problem, host), {
      retryable: true,
      cause: error,
      details: { code },
    });
  }
  const detail = error instanceof Error ? error.message : String(error);
  if (code !== undefined && REJECTED_CODES.has(code)) {
    return new StepExecutionError('connection', `request not sent to ${host}: ${detail}`, {
      retryable: false,
      cause: error,
      details: { code },
    });
  }
  return new StepExecutionError('connection', describeConnectionFailure('failed', host, detail), {
    retryable: true,
    cause: error,
    details: code === undefined ? {} : { code },
  });
}

/**
 * The `code` of an error; for an AggregateError (a connection tried over IPv4 and IPv6) the code
 * of its first inner error when it has none itself.
 */
function errorCode(error: unknown): string | undefined {
  if (error === null || typeof error !== 'object') return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  if (error instanceof AggregateError) return errorCode(error.errors[0]);
  return undefined;
}
