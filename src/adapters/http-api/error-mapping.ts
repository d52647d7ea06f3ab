/**
 * The one place that turns errors into HTTP answers. Every error body is
 * `{ success: false, error, code, details? }`; an invalid payload adds `validation_errors` and
 * `issues` (SPEC 1.2). Unknown errors get a generic message and are logged in full.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  ConflictError,
  NotFoundError,
  StorageError,
  UnavailableError,
  ValidationError,
  WorkflowEngineError,
  type ErrorCode,
  type ValidationIssue,
} from '../../core/errors.js';
import { HttpRequestError, type RequestErrorCode } from './request-error.js';

/** The body of every error answer. */
export interface ErrorBody {
  success: false;
  error: string;
  code: ErrorCode;
  details?: Record<string, unknown>;
  /** Invalid payloads only: `"<pointer>: <sentence>"` per issue. */
  validation_errors?: string[];
  /** Invalid payloads only. */
  issues?: ValidationIssue[];
}

/** An error as an HTTP answer. */
export interface ErrorReply {
  statusCode: number;
  headers: Record<string, string>;
  body: ErrorBody;
  /** A defect rather than a refusal: log it in full. */
  unexpected: boolean;
}

/** What the mapping needs to know about the request. */
export interface ErrorContext {
  bodyLimitBytes: number;
  /** The request's Content-Type header, if any. */
  contentType: string | undefined;
  requestId: string;
}

/** Seconds a client should wait after the store failed before trying again. */
const STORE_RETRY_AFTER_SECONDS = 5;

const REQUEST_ERROR_STATUS: Record<RequestErrorCode, number> = {
  UNAUTHORIZED: 401,
  INVALID_REQUEST: 400,
  MALFORMED_JSON: 400,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
};

/** Maps any thrown value to its HTTP answer. */
export function errorReply(error: unknown, context: ErrorContext): ErrorReply {
  if (error instanceof ValidationError) {
    return reply(400, 'INVALID_PAYLOAD', error.message, {
      validation_errors: error.validationErrors,
      issues: error.issues,
    });
  }
  if (error instanceof HttpRequestError) {
    const answer = reply(
      REQUEST_ERROR_STATUS[error.code],
      error.code,
      error.message,
      details(error),
    );
    if (error.code === 'UNAUTHORIZED')
      answer.headers['www-authenticate'] = 'Bearer realm="workflow-engine"';
    return answer;
  }
  if (error instanceof NotFoundError) return reply(404, 'NOT_FOUND', error.message, details(error));
  if (error instanceof ConflictError) return reply(409, 'CONFLICT', error.message, details(error));
  if (error instanceof UnavailableError) {
    const answer = reply(503, 'UNAVAILABLE', error.message, details(error));
    answer.headers['retry-after'] = String(Math.max(1, Math.ceil(error.retryAfterSeconds)));
    return answer;
  }
  if (error instanceof StorageError) {
    const answer = reply(503, 'UNAVAILABLE', `the run store is unavailable: ${error.message}`, {});
    answer.headers['retry-after'] = String(STORE_RETRY_AFTER_SECONDS);
    return answer;
  }
  if (!(error instanceof WorkflowEngineError) && isFastifyError(error)) {
    const mapped = fastifyErrorReply(error, context);
    if (mapped !== null) return mapped;
  }
  const answer = reply(
    500,
    'INTERNAL_ERROR',
    `internal error; the server log has the details under request id ${context.requestId}`,
    {},
  );
  answer.unexpected = true;
  return answer;
}

/** Routes every error and unknown route through {@link errorReply}. */
export function installErrorHandling(server: FastifyInstance, bodyLimitBytes: number): void {
  server.setErrorHandler((error: unknown, request, replyTo) => {
    sendError(error, request, replyTo, bodyLimitBytes);
  });
  server.setNotFoundHandler((request, replyTo) => {
    const path = request.url.split('?', 1)[0] ?? request.url;
    sendError(
      new NotFoundError(`no route ${request.method} ${path}`),
      request,
      replyTo,
      bodyLimitBytes,
    );
  });
}

function sendError(
  error: unknown,
  request: FastifyRequest,
  replyTo: FastifyReply,
  bodyLimitBytes: number,
): void {
  const answer = errorReply(error, {
    bodyLimitBytes,
    contentType: request.headers['content-type'],
    requestId: request.id,
  });
  if (answer.unexpected)
    request.log.error({ err: error }, 'request failed with an unexpected error');
  else if (answer.statusCode >= 500)
    request.log.warn({ code: answer.body.code, error: answer.body.error }, 'request refused');
  // Refusals of the caller's input are logged by code only: their messages quote the input.
  else request.log.debug({ code: answer.body.code }, 'request rejected');
  void replyTo.code(answer.statusCode).headers(answer.headers).send(answer.body);
}

function fastifyErrorReply(error: FastifyError, context: ErrorContext): ErrorReply | null {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return reply(
        413,
        'PAYLOAD_TOO_LARGE',
        `request body is larger than the limit of ${context.bodyLimitBytes} bytes (${formatMiB(context.bodyLimitBytes)})`,
        {
          details: { limit_bytes: context.bodyLimitBytes },
        },
      );
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return reply(
        415,
        'UNSUPPORTED_MEDIA_TYPE',
        context.contentType === undefined
          ? 'a request body needs Content-Type: application/json'
          : `Content-Type ${JSON.stringify(context.contentType)} is not supported; send application/json`,
        {},
      );
    case 'FST_ERR_VALIDATION': {
      const problems = (error.validation ?? []).map((issue) => ({
        path: `${error.validationContext ?? ''}${issue.instancePath}`,
        message: problemMessage(issue),
      }));
      const listed = problems.map((problem) => `${problem.path} ${problem.message}`).join(', ');
      return reply(400, 'INVALID_REQUEST', `invalid request: ${listed || error.message}`, {
        details: { problems },
      });
    }
    default:
      break;
  }
  const status = error.statusCode;
  if (status === undefined || status < 400 || status >= 500) return null;
  if (status === 404) return reply(404, 'NOT_FOUND', error.message, {});
  return reply(status, 'INVALID_REQUEST', error.message, {});
}

type ValidationIssueOfFastify = NonNullable<FastifyError['validation']>[number];

/** Ajv's own sentence, except that an enum names its allowed values. */
function problemMessage(issue: ValidationIssueOfFastify): string {
  const allowed: unknown = issue.keyword === 'enum' ? issue.params.allowedValues : undefined;
  if (Array.isArray(allowed)) {
    return `must be one of ${allowed.map((value) => JSON.stringify(value)).join(', ')}`;
  }
  return issue.message ?? 'is invalid';
}

function reply(
  statusCode: number,
  code: ErrorCode,
  message: string,
  extra: Partial<ErrorBody>,
): ErrorReply {
  return {
    statusCode,
    headers: {},
    body: { success: false, error: message, code, ...extra },
    unexpected: false,
  };
}

function details(error: WorkflowEngineError): Partial<ErrorBody> {
  return error.details === undefined ? {} : { details: error.details };
}

function isFastifyError(error: unknown): error is FastifyError {
  if (!(error instanceof Error)) return false;
  const code: unknown = (error as { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('FST_');
}

function formatMiB(bytes: number): string {
  const mib = bytes / (1024 * 1024);
  return `${Number.isInteger(mib) ? mib : mib.toFixed(2)} MiB`;
}
