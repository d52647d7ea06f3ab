/**
 * What the HTTP API needs from the rest of the service, as interfaces: the adapter depends on
 * these shapes, not on the composition root that provides them.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { ValidationOutcome } from '../../core/dag/index.js';
import type { RunRecord, WorkflowEvent, WorkflowResult } from '../../core/run/index.js';
import type { RunFilter, RunStore } from '../../ports/run-store.js';

/** The run operations behind the routes (implemented by the service's RunService). */
export interface RunsApi {
  /** Runs in flight in this process. */
  readonly activeRuns: number;
  validate(payload: unknown): ValidationOutcome;
  /** Runs to the end. @throws ValidationError, UnavailableError, StorageError */
  execute(payload: unknown): Promise<WorkflowResult>;
  /** Starts in the background once recorded. @throws ValidationError, UnavailableError, StorageError */
  start(payload: unknown): Promise<{ runId: string }>;
  /** @throws NotFoundError */
  getRun(runId: string): Promise<RunRecord>;
  listRuns(filter: RunFilter): Promise<RunRecord[]>;
  /** @throws NotFoundError, ConflictError */
  cancel(runId: string): Promise<RunRecord>;
  /**
   * Replays events after `afterSequence`, then live ones; `onEnd` after the last.
   * @returns a function that stops the stream. @throws NotFoundError
   */
  streamEvents(
    runId: string,
    afterSequence: number,
    listener: (event: WorkflowEvent) => void,
    onEnd: () => void,
  ): Promise<() => void>;
}

/** The parts of the application the server is built from. */
export interface HttpApiApp {
  readonly runService: RunsApi;
  readonly store: Pick<RunStore, 'kind' | 'ping'>;
  /** A pino logger; request logs are its children (with `reqId`). */
  readonly logger: FastifyBaseLogger;
}

/** The server settings the HTTP API reads. */
export interface HttpApiSettings {
  /** Largest request body in bytes; larger ones get 413 before parsing. */
  readonly bodyLimitBytes: number;
  /** Bearer token for `/api/*` and `/execute`; null leaves them open. */
  readonly apiToken: string | null;
  /** Interval of keep-alive comments on event streams, in ms. */
  readonly sseHeartbeatMs: number;
}

/** The configuration slice {@link buildServer} reads (an `EngineConfig` fits). */
export interface HttpApiConfig {
  readonly server: HttpApiSettings;
}
