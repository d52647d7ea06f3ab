import type { StepHistoryEntry, WorkflowEvent } from '../core/run/index.js';
import type { Clock } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import type { RunStore } from '../ports/run-store.js';
import type { StepExecutor } from '../ports/step-executor.js';

/** The outside world a run talks to. */
export interface EngineDependencies {
  executor: StepExecutor;
  clock: Clock;
  logger: Logger;
  /** Where the run's record, transitions and events are written; null keeps nothing. */
  store: RunStore | null;
  /** Values of `{{secrets.NAME}}`, by NAME. */
  secrets: Readonly<Record<string, string>>;
  /** Larger response bodies fail the step. */
  maxResponseBytes: number;
  /** Source of jitter for retry delays; Math.random in production. */
  random: () => number;
}

/** Per-run options. */
export interface RunOptions {
  runId: string;
  /** Aborting it cancels the run: in-flight requests are aborted, the run ends `cancelled`. */
  signal?: AbortSignal;
  /** Receives every event in order; must not throw (errors are logged and ignored). */
  onEvent?: (event: WorkflowEvent) => void;
  /** Continue a stored run instead of starting a new one. */
  resume?: ResumeState;
}

/**
 * What a stored run had reached. Completed, failed and aborted steps keep their state and are
 * not called again; steps that were in flight run again (with the same Idempotency-Key).
 */
export interface ResumeState {
  history: readonly StepHistoryEntry[];
  /** Outputs stored so far, by name. */
  outputs: Readonly<Record<string, unknown>>;
  /** Sequence of the last stored event; new events continue after it. */
  lastSequence: number;
  /** ISO 8601 time the run was created; execution time and the run's time limit count from it. */
  createdAt: string;
}
