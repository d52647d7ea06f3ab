/** Builds the progress events of one run in the wire shape of SPEC 5, numbered from 1. */
import { isoTime } from './iso-time.js';
import type { ResolvedStep, ResolvedWorkflow } from '../core/dag/types.js';
import {
  FINAL_RESULT_PREVIEW_CHARS,
  previewOutputs,
  previewValue,
  type RunCounts,
  type StepEventData,
  type WorkflowEvent,
  type WorkflowResult,
} from '../core/run/index.js';

type EventOf<E extends WorkflowEvent['event']> = Extract<WorkflowEvent, { event: E }>;

export class RunEvents {
  private sequence: number;
  private readonly totalSteps: number;

  /** `lastSequence` is where a resumed run's numbering continues from. */
  constructor(
    private readonly workflow: ResolvedWorkflow,
    private readonly runId: string,
    private readonly now: () => number,
    lastSequence = 0,
  ) {
    this.totalSteps = workflow.steps.length;
    this.sequence = lastSequence;
  }

  workflowStarted(): WorkflowEvent {
    return this.make('workflow_started', {
      workflow_name: this.workflow.workflowName,
      total_steps: this.totalSteps,
      status: 'running',
    });
  }

  stepStarted(step: ResolvedStep, attempt: number): WorkflowEvent {
    return this.make('step_started', { ...this.stepData(step), status: 'running', attempt });
  }

  stepRetrying(
    step: ResolvedStep,
    failure: { attempt: number; delayMs: number; error: string; httpStatus: number | null },
  ): WorkflowEvent {
    return this.make('step_retrying', {
      ...this.stepData(step),
      status: 'retrying',
      attempt: failure.attempt,
      next_attempt: failure.attempt + 1,
      delay_seconds: failure.delayMs / 1000,
      error: failure.error,
      http_status: failure.httpStatus,
    });
  }

  stepCompleted(
    step: ResolvedStep,
    outcome: {
      durationMs: number;
      attempts: number;
      httpStatus: number | null;
      outputs: Record<string, unknown>;
    },
  ): WorkflowEvent {
    return this.make('step_completed', {
      ...this.stepData(step),
      status: 'completed',
      execution_time_seconds: outcome.durationMs / 1000,
      attempts: outcome.attempts,
      http_status: outcome.httpStatus,
      outputs: previewOutputs(outcome.outputs),
    });
  }

  stepFailed(
    step: ResolvedStep,
    outcome: { durationMs: number; attempts: number; httpStatus: number | null; error: string },
  ): WorkflowEvent {
    return this.make('step_failed', {
      ...this.stepData(step),
      status: 'failed',
      execution_time_seconds: outcome.durationMs / 1000,
      attempts: outcome.attempts,
      http_status: outcome.httpStatus,
      error: outcome.error,
    });
  }

  stepAborted(step: ResolvedStep, status: 'aborted' | 'cancelled', reason: string): WorkflowEvent {
    return this.make('step_aborted', { ...this.stepData(step), status, reason });
  }

  /** `workflow_completed` for a successful run, `workflow_failed` (with its status) otherwise. */
  workflowFinished(result: WorkflowResult): WorkflowEvent {
    const counts: RunCounts = {
      total_steps: this.totalSteps,
      steps_completed: result.steps_completed,
      steps_failed: result.steps_failed,
      steps_aborted: result.steps_aborted,
      steps_cancelled: result.steps_cancelled,
    };
    const finalResult = previewValue(result.final_result, FINAL_RESULT_PREVIEW_CHARS);
    if (result.status === 'succeeded') {
      return this.make('workflow_completed', {
        ...counts,
        status: 'completed',
        execution_time_seconds: result.execution_time,
        final_result: finalResult,
      });
    }
    return this.make('workflow_failed', {
      ...counts,
      status: result.status,
      execution_time_seconds: result.execution_time,
      error: result.error ?? result.status,
      final_result: finalResult,
    });
  }

  private stepData(step: ResolvedStep): StepEventData {
    return {
      step_name: step.name,
      usid: step.usid,
      step_index: step.topoIndex,
      total_steps: this.totalSteps,
    };
  }

  private make<E extends WorkflowEvent['event']>(
    event: E,
    data: EventOf<E>['data'],
  ): WorkflowEvent {
    this.sequence += 1;
    return {
      event,
      run_id: this.runId,
      workflow_id: this.workflow.workflowId,
      namespace: this.workflow.namespace,
      sequence: this.sequence,
      timestamp: isoTime(this.now()),
      data,
    } as EventOf<E>;
  }
}
