import { WorkflowEngineError, type WorkflowEngineErrorOptions } from '../../core/errors.js';

/** Codes of problems with the HTTP request itself, before any payload is looked at. */
export type RequestErrorCode =
  | 'UNAUTHORIZED'
  | 'INVALID_REQUEST'
  | 'MALFORMED_JSON'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE';

/**
 * The request cannot be served as sent: missing or wrong credentials, a malformed body, a bad
 * query parameter. Its HTTP status is chosen by `error-mapping.ts`.
 */
export class HttpRequestError extends WorkflowEngineError {
  declare readonly code: RequestErrorCode;

  constructor(code: RequestErrorCode, message: string, options: WorkflowEngineErrorOptions = {}) {
    super(code, message, options);
    this.name = 'HttpRequestError';
  }
}
