import type { RunRecord, RunStatus, StepHistoryEntry, WorkflowEvent } from '../core/run/types.js';

/**
 * One state change of one step, written atomically: the step's new history entry, the outputs
 * it produced (when it completed) and the events the change emitted.
 */
export interface StepTransition {
  /** Position of the step in STEPS_CONFIG. */
  stepIndex: number;
  step: StepHistoryEntry;
  /** Present when the step completed; already redacted. */
  outputs?: Record<string, unknown>;
  events: WorkflowEvent[];
}

/** What a new run starts with. */
export interface NewRun {
  record: RunRecord;
  /** The payload as received, secrets redacted; enough to rebuild the run. */
  payload: unknown;
  events: WorkflowEvent[];
}

/** Filters of `listRuns`; all optional, newest first. */
export interface RunFilter {
  workflowId?: string;
  namespace?: string;
  status?: RunStatus;
  /** At most this many. */
  limit: number;
  /** Skip runs whose run_id is >= this one (ids sort by creation time): the next page. */
  before?: string;
}

/** Everything stored about one run. */
export interface StoredRun {
  record: RunRecord;
  payload: unknown;
  /** Outputs produced so far, by name. */
  outputs: Record<string, unknown>;
}

/**
 * Keeps runs: records, step history, outputs and events (SPEC 6). Every write is atomic; a
 * failure rejects with a `StorageError` that says what failed.
 */
export interface RunStore {
  /** `memory`, `redis` or `upstash`. */
  readonly kind: string;
  /** Resolves when the store answers; rejects with a `StorageError` otherwise. */
  ping(): Promise<void>;
  createRun(run: NewRun): Promise<void>;
  recordTransition(runId: string, transition: StepTransition): Promise<void>;
  /** Writes the final record and the last events. */
  finishRun(runId: string, record: RunRecord, events: WorkflowEvent[]): Promise<void>;
  getRun(runId: string): Promise<StoredRun | null>;
  /** Events with `sequence` greater than `afterSequence`, in order. */
  getEvents(runId: string, afterSequence?: number): Promise<WorkflowEvent[]>;
  listRuns(filter: RunFilter): Promise<RunRecord[]>;
  close(): Promise<void>;
}
