/**
 * Every error the engine raises extends {@link WorkflowEngineError}: a stable `code`, a message in
 * the user's own names, optional structured `details`, and the `cause` it wraps.
 */

/** Stable error codes; each has an entry in docs/errors.md. */
export type ErrorCode =
  | 'INVALID_PAYLOAD'
  | 'TEMPLATE_SYNTAX'
  | 'TEMPLATE_UNRESOLVED'
  | 'STEP_HTTP_ERROR'
  | 'STEP_CONNECTION_ERROR'
  | 'STEP_TIMEOUT'
  | 'STEP_RESPONSE_TOO_LARGE'
  | 'STEP_ABORTED'
  | 'STORAGE_ERROR'
  | 'CONFIG_ERROR'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'UNAVAILABLE'
  | 'UNAUTHORIZED'
  | 'INVALID_REQUEST'
  | 'MALFORMED_JSON'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'INTERNAL_ERROR';

/** Options shared by every engine error. */
export interface WorkflowEngineErrorOptions {
  details?: Record<string, unknown>;
  cause?: unknown;
}

/** Base class of every error the engine raises. */
export class WorkflowEngineError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: WorkflowEngineErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'WorkflowEngineError';
    this.code = code;
    this.details = options.details;
  }
}

/** One problem found in a payload: where (JSON pointer), what kind, and a sentence. */
export interface ValidationIssue {
  /** JSON pointer into the payload, e.g. `/STEPS_CONFIG/3/usid`; `` for the whole payload. */
  path: string;
  /** Machine-readable kind, e.g. `required`, `duplicate_usid`, `cycle`. */
  code: string;
  /** A sentence a person understands. */
  message: string;
}

/** The payload is not runnable; `issues` lists every problem found, not just the first. */
export class ValidationError extends WorkflowEngineError {
  readonly issues: ValidationIssue[];

  constructor(issues: ValidationIssue[]) {
    super('INVALID_PAYLOAD', `Payload validation failed: ${summarizeIssues(issues)}`, {
      details: { issues },
    });
    this.name = 'ValidationError';
    this.issues = issues;
  }

  /** The original system's `validation_errors`: one `"<pointer>: <sentence>"` per issue. */
  get validationErrors(): string[] {
    return issuesToStrings(this.issues);
  }
}

function issuesToStrings(issues: ValidationIssue[]): string[] {
  return issues.map((issue) => `${issue.path || '/'}: ${issue.message}`);
}

function summarizeIssues(issues: ValidationIssue[]): string {
  const shown = issuesToStrings(issues.slice(0, 3)).join('; ');
  return issues.length > 3 ? `${shown}; and ${issues.length - 3} more` : shown;
}

/** A `{{ }}` template is malformed or refers to something that does not exist. */
export class TemplateError extends WorkflowEngineError {
  constructor(
    code: 'TEMPLATE_SYNTAX' | 'TEMPLATE_UNRESOLVED',
    message: string,
    details: { expression: string; pointer: string; position?: number; variable?: string },
  ) {
    super(code, message, { details });
    this.name = 'TemplateError';
  }
}

/** What went wrong with one attempt of an HTTP step. */
export type StepFailureKind = 'http' | 'connection' | 'timeout' | 'too_large' | 'aborted';

/** One attempt of a step failed; `retryable` is decided by core/retry and carried as data. */
export class StepExecutionError extends WorkflowEngineError {
  readonly kind: StepFailureKind;
  readonly retryable: boolean;
  readonly httpStatus: number | undefined;
  /** Delay the service asked for (Retry-After), in ms. */
  readonly retryAfterMs: number | undefined;

  constructor(
    kind: StepFailureKind,
    message: string,
    options: WorkflowEngineErrorOptions & {
      retryable: boolean;
      httpStatus?: number;
      retryAfterMs?: number;
    },
  ) {
    super(KIND_CODES[kind], message, options);
    this.name = 'StepExecutionError';
    this.kind = kind;
    this.retryable = options.retryable;
    this.httpStatus = options.httpStatus;
    this.retryAfterMs = options.retryAfterMs;
  }
}

const KIND_CODES: Record<StepFailureKind, ErrorCode> = {
  http: 'STEP_HTTP_ERROR',
  connection: 'STEP_CONNECTION_ERROR',
  timeout: 'STEP_TIMEOUT',
  too_large: 'STEP_RESPONSE_TOO_LARGE',
  aborted: 'STEP_ABORTED',
};

/** The run store failed; the run that needed it fails with this message. */
export class StorageError extends WorkflowEngineError {
  constructor(message: string, options: WorkflowEngineErrorOptions = {}) {
    super('STORAGE_ERROR', message, options);
    this.name = 'StorageError';
  }
}

/** Configuration is invalid; raised at start, never later. */
export class ConfigError extends WorkflowEngineError {
  constructor(message: string, options: WorkflowEngineErrorOptions = {}) {
    super('CONFIG_ERROR', message, options);
    this.name = 'ConfigError';
  }
}

/** A run (or other resource) does not exist. */
export class NotFoundError extends WorkflowEngineError {
  constructor(message: string, options: WorkflowEngineErrorOptions = {}) {
    super('NOT_FOUND', message, options);
    this.name = 'NotFoundError';
  }
}

/** The request conflicts with the resource's state (e.g. cancelling a finished run). */
export class ConflictError extends WorkflowEngineError {
  constructor(message: string, options: WorkflowEngineErrorOptions = {}) {
    super('CONFLICT', message, options);
    this.name = 'ConflictError';
  }
}

/** The service cannot take the request now (too many runs, shutting down); try again later. */
export class UnavailableError extends WorkflowEngineError {
  /** Seconds after which a retry may succeed. */
  readonly retryAfterSeconds: number;

  constructor(
    message: string,
    retryAfterSeconds: number,
    options: WorkflowEngineErrorOptions = {},
  ) {
    super('UNAVAILABLE', message, options);
    this.name = 'UnavailableError';
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** True for any error raised by the engine (checked by `code`, so it survives serialization). */
export function isWorkflowEngineError(error: unknown): error is WorkflowEngineError {
  return error instanceof WorkflowEngineError;
}

/** Marks a branch the types say cannot happen. */
export function assertNever(value: never, what: string): never {
  throw new Error(`unexpected ${what}: ${String(value)}`);
}
