/** The error of {@link WorkflowEngineClient} calls. */
import type { ValidationIssue } from '../core/errors.js';

/**
 * Codes the client raises itself; answers of the service carry the service's own code
 * (`INVALID_PAYLOAD`, `NOT_FOUND`, ...) or `HTTP_<status>` when its body names none.
 */
export type ClientErrorCode =
  /** No complete answer within `timeoutMs`; the run may still be going on the service. */
  | 'TIMEOUT'
  /** The caller's `signal` aborted the call. */
  | 'ABORTED'
  /** The request never got an answer (DNS, refused connection, reset). */
  | 'NETWORK_ERROR'
  /** The answer is not the JSON (or event stream) the route promises. */
  | 'INVALID_RESPONSE'
  /** The answer's status is a success, but not the one the call expects (e.g. 200 for 202). */
  | 'UNEXPECTED_STATUS';

/** What a {@link WorkflowEngineClientError} carries besides its message. */
export interface WorkflowEngineClientErrorOptions {
  code: string;
  status?: number;
  validationErrors?: string[];
  issues?: ValidationIssue[];
  cause?: unknown;
}

/**
 * A call to the workflow engine service failed. It does not extend the engine's own error base:
 * `code` is an open set here (the service's codes, `HTTP_<status>`, or a {@link ClientErrorCode}),
 * which is not the engine's `ErrorCode` union.
 */
export class WorkflowEngineClientError extends Error {
  /** `INVALID_PAYLOAD`, `NOT_FOUND`, `TIMEOUT`, `HTTP_502`, ... */
  readonly code: ClientErrorCode | (string & {});
  /** HTTP status of the answer; undefined when none arrived. */
  readonly status: number | undefined;
  /** For `INVALID_PAYLOAD`: one `"<pointer>: <sentence>"` per problem. */
  readonly validationErrors: string[] | undefined;
  /** For `INVALID_PAYLOAD`: each problem with its JSON pointer and kind. */
  readonly issues: ValidationIssue[] | undefined;

  constructor(message: string, options: WorkflowEngineClientErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'WorkflowEngineClientError';
    this.code = options.code;
    this.status = options.status;
    this.validationErrors = options.validationErrors;
    this.issues = options.issues;
  }
}
