/** The run model shared by the engine, the stores, the API and the webhooks (SPEC 4, 5). */
import type { WorkflowEventName } from '../payload/schema.js';

export type StepStatus =
  'pending' | 'running' | 'retrying' | 'completed' | 'failed' | 'aborted' | 'cancelled';

/** Terminal step states: a step ends in exactly one of these. */
export type TerminalStepStatus = 'completed' | 'failed' | 'aborted' | 'cancelled';

export type RunStatus = 'running' | 'succeeded' | 'failed' | 'cancelled' | 'timed_out';

/** One entry of the step history, in the payload's order (SPEC 4). Times are ISO 8601 UTC. */
export interface StepHistoryEntry {
  usid: string;
  step_name: string;
  status: StepStatus;
  /** Why the step was aborted or cancelled. */
  reason: string | null;
  /** Why the step failed. */
  error: string | null;
  attempts: number;
  /** Status of the last HTTP response received, if any. */
  http_status: number | null;
  started_at: string | null;
  finished_at: string | null;
  duration_ms: number | null;
  /** Outputs of a completed step; null otherwise. */
  outputs: Record<string, unknown> | null;
}

/** The answer to a run that started, whatever its outcome (SPEC 4). */
export interface WorkflowResult {
  success: boolean;
  status: Exclude<RunStatus, 'running'>;
  run_id: string;
  workflow_id: string;
  namespace: string;
  workflow_name?: string;
  /** Seconds. */
  execution_time: number;
  steps_completed: number;
  steps_failed: number;
  steps_aborted: number;
  steps_cancelled: number;
  final_result: unknown;
  /** On success. */
  all_outputs?: Record<string, unknown>;
  /** On failure, cancellation or time-out. */
  partial_outputs?: Record<string, unknown>;
  /** On failure: which step failed and why. */
  error?: string;
  steps: StepHistoryEntry[];
}

/** Fields every progress event carries (SPEC 5). */
export interface WorkflowEventEnvelope<E extends WorkflowEventName, D> {
  event: E;
  run_id: string;
  workflow_id: string;
  namespace: string;
  /** Per-run, from 1, no gaps. */
  sequence: number;
  /** ISO 8601 UTC. */
  timestamp: string;
  data: D;
}

/** Fields of every step event's data. */
export interface StepEventData {
  step_name: string;
  usid: string;
  /** 1-based position in a topological order. */
  step_index: number;
  total_steps: number;
}

export interface RunCounts {
  total_steps: number;
  steps_completed: number;
  steps_failed: number;
  steps_aborted: number;
  steps_cancelled: number;
}

export type WorkflowStartedEvent = WorkflowEventEnvelope<
  'workflow_started',
  { workflow_name: string | null; total_steps: number; status: 'running' }
>;
export type StepStartedEvent = WorkflowEventEnvelope<
  'step_started',
  StepEventData & { status: 'running'; attempt: number }
>;
export type StepRetryingEvent = WorkflowEventEnvelope<
  'step_retrying',
  StepEventData & {
    status: 'retrying';
    /** The attempt that failed. */
    attempt: number;
    next_attempt: number;
    delay_seconds: number;
    error: string;
    http_status: number | null;
  }
>;
export type StepCompletedEvent = WorkflowEventEnvelope<
  'step_completed',
  StepEventData & {
    status: 'completed';
    execution_time_seconds: number;
    attempts: number;
    http_status: number | null;
    /** Each output, its JSON text cut to 500 characters where longer. */
    outputs: Record<string, unknown>;
  }
>;
export type StepFailedEvent = WorkflowEventEnvelope<
  'step_failed',
  StepEventData & {
    status: 'failed';
    execution_time_seconds: number;
    attempts: number;
    http_status: number | null;
    error: string;
  }
>;
export type StepAbortedEvent = WorkflowEventEnvelope<
  'step_aborted',
  StepEventData & { status: 'aborted' | 'cancelled'; reason: string }
>;
export type WorkflowCompletedEvent = WorkflowEventEnvelope<
  'workflow_completed',
  RunCounts & {
    status: 'completed';
    execution_time_seconds: number;
    /** JSON text of final_result cut to 1000 characters where longer. */
    final_result: unknown;
  }
>;
export type WorkflowFailedEvent = WorkflowEventEnvelope<
  'workflow_failed',
  RunCounts & {
    status: 'failed' | 'cancelled' | 'timed_out';
    execution_time_seconds: number;
    error: string;
    final_result: unknown;
  }
>;

/** Every state change of a run, as sent to webhooks and SSE and kept by the store. */
export type WorkflowEvent =
  | WorkflowStartedEvent
  | StepStartedEvent
  | StepRetryingEvent
  | StepCompletedEvent
  | StepFailedEvent
  | StepAbortedEvent
  | WorkflowCompletedEvent
  | WorkflowFailedEvent;

/** A run as the store keeps it and `GET /api/runs/{id}` shows it. */
export interface RunRecord extends Omit<WorkflowResult, 'status' | 'success'> {
  status: RunStatus;
  success: boolean | null;
  /** ISO 8601 UTC. */
  created_at: string;
  finished_at: string | null;
}
