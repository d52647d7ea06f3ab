/**
 * One execution of a validated workflow: drives the scheduler, runs steps through the executor
 * port, enforces the run's time limit and cancellation, and keeps the step history that the
 * recorder publishes and stores (SPEC 3, 4, 5, 6).
 */
import type { ResolvedStep, ResolvedWorkflow } from '../core/dag/types.js';
import type { StorageError } from '../core/errors.js';
import { WorkflowEngineError } from '../core/errors.js';
import { Redactor, SENSITIVE_HEADER_NAME, sensitiveHeaderParts } from '../core/redact/index.js';
import {
  buildResult,
  finishedRecord,
  initialHistory,
  runningRecord,
  type StepHistoryEntry,
  type WorkflowEvent,
  type WorkflowResult,
} from '../core/run/index.js';
import {
  RunScheduler,
  type HaltCause,
  type RestoredStatus,
  type SchedulerCommand,
} from '../core/scheduler/index.js';
import type { Logger } from '../ports/logger.js';
import { isoTime as iso } from './iso-time.js';
import { RunEvents } from './run-events.js';
import { errorMessage, RunRecorder } from './run-recorder.js';
import { RunVariables } from './run-variables.js';
import { runStepAttempts, type StepOutcome } from './step-attempts.js';
import type { EngineDependencies, ResumeState, RunOptions } from './types.js';

/** Runs `workflow` to its end and returns the result; rejects only if the store refuses the run. */
export async function runWorkflow(
  workflow: ResolvedWorkflow,
  dependencies: EngineDependencies,
  options: RunOptions,
): Promise<WorkflowResult> {
  return new WorkflowRun(workflow, dependencies, options).execute();
}

type Failure = { attempt: number; delayMs: number; error: string; httpStatus: number | null };

class WorkflowRun {
  private readonly steps: readonly ResolvedStep[];
  private readonly scheduler: RunScheduler;
  private readonly history: StepHistoryEntry[];
  private readonly variables: RunVariables;
  /**
   * Aborts every step in flight. Steps are only ever stopped all at once (a halt), so one
   * controller serves the run: creating one per step was its largest per-step cost.
   */
  private readonly stopSteps = new AbortController();
  private readonly startedAtMs: number[];
  private readonly redactor: Redactor;
  private readonly events: RunEvents;
  private readonly recorder: RunRecorder;
  private readonly logger: Logger;
  private inFlight = 0;
  private failedSteps: number[] = [];
  private finish: () => void = () => undefined;

  constructor(
    private readonly workflow: ResolvedWorkflow,
    private readonly deps: EngineDependencies,
    private readonly options: RunOptions,
  ) {
    this.steps = workflow.steps;
    this.history = initialHistory(workflow);
    this.startedAtMs = new Array<number>(this.steps.length).fill(0);
    this.redactor = new Redactor(Object.values(deps.secrets));
    this.registerLiteralSensitiveHeaders();
    this.logger = deps.logger.child({ runId: options.runId });
    this.events = new RunEvents(
      workflow,
      options.runId,
      () => deps.clock.now(),
      options.resume?.lastSequence ?? 0,
    );
    this.recorder = new RunRecorder(
      options.runId,
      deps.store,
      options.onEvent,
      this.logger,
      (error) => this.onStoreFailure(error),
    );
    this.variables = new RunVariables(workflow, options.runId, deps.secrets);
    this.scheduler = new RunScheduler(workflow, {
      raiseOnError: workflow.settings.raiseOnError,
      maxParallelSteps: workflow.settings.maxParallelSteps,
      isSelected: (step, name) => this.variables.isSelected(step.usid, name),
    });
  }

  async execute(): Promise<WorkflowResult> {
    const { clock } = this.deps;
    const resume = this.options.resume;
    const startMs = resume === undefined ? clock.now() : Date.parse(resume.createdAt);
    const createdAt = iso(startMs);
    const restored =
      resume === undefined ? new Map<number, RestoredStatus>() : this.restore(resume);
    if (resume === undefined) {
      await this.recorder.createRun({
        record: runningRecord(this.workflow, this.options.runId, this.history, createdAt),
        payload: this.redactor.redact(this.workflow.payload),
        events: this.recorder.isObserved ? [this.events.workflowStarted()] : [],
      });
    }
    this.logger.info(
      { steps: this.steps.length, restored: restored.size },
      resume === undefined ? 'run started' : 'run resumed',
    );

    const finished = new Promise<void>((resolve) => (this.finish = resolve));
    const stopWatching = this.watchLimits(startMs);
    this.apply(this.scheduler.start(restored));
    await finished;
    stopWatching();
    await this.recorder.settle();

    const result = this.result(clock.now() - startMs);
    try {
      await this.recorder.finishRun(
        finishedRecord(result, createdAt, iso(clock.now())),
        this.recorder.isObserved ? this.events.workflowFinished(result) : null,
      );
    } catch (error) {
      return this.storeFailedAtEnd(result, error);
    }
    this.logger.info(
      { status: result.status, executionTime: result.execution_time },
      'run finished',
    );
    return result;
  }

  /** Takes over the terminal states and outputs of a stored run; the rest starts afresh. */
  private restore(resume: ResumeState): Map<number, RestoredStatus> {
    const restored = new Map<number, RestoredStatus>();
    for (const step of this.steps) {
      const stored = resume.history[step.index];
      if (stored === undefined || stored.usid !== step.usid) continue;
      const { status } = stored;
      if (status !== 'completed' && status !== 'failed' && status !== 'aborted') continue;
      this.history[step.index] = { ...stored };
      restored.set(step.index, status);
      if (status === 'failed') this.failedSteps.push(step.index);
    }
    this.variables.restore(resume.outputs);
    return restored;
  }

  /**
   * The run's total time limit (counted from its creation) and the caller's cancellation.
   * @returns the function that stops watching them.
   */
  private watchLimits(startMs: number): () => void {
    const { totalTimeoutMs } = this.workflow.settings;
    const remainingMs = Math.max(0, startMs + totalTimeoutMs - this.deps.clock.now());
    const cancelTimer = this.deps.clock.schedule(remainingMs, () =>
      this.halt('timed_out', 'run timed out'),
    );
    const signal = this.options.signal;
    if (signal === undefined) return cancelTimer;
    const onAbort = (): void => this.halt('cancelled', 'run cancelled');
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    return () => {
      cancelTimer();
      signal.removeEventListener('abort', onAbort);
    };
  }

  private halt(cause: HaltCause, reason: string): void {
    this.apply(this.scheduler.halt(cause, reason));
  }

  private apply(commands: SchedulerCommand[]): void {
    for (const command of commands) {
      const step = this.steps[command.step] as ResolvedStep;
      if (command.type === 'start') this.startStep(step);
      else if (command.type === 'abort') this.endUnstarted(step, command.reason);
      else this.cancelRunning(step, command.reason);
    }
    this.finishWhenDone();
  }

  private finishWhenDone(): void {
    if (this.scheduler.isFinished && this.inFlight === 0) this.finish();
  }

  private startStep(step: ResolvedStep): void {
    const now = this.deps.clock.now();
    this.startedAtMs[step.index] = now;
    const entry = this.entry(step);
    entry.status = 'running';
    entry.started_at = iso(now);
    this.inFlight += 1;
    void this.runStep(step, this.stopSteps.signal);
  }

  private async runStep(step: ResolvedStep, signal: AbortSignal): Promise<void> {
    let outcome: StepOutcome;
    try {
      outcome = await runStepAttempts(step, {
        runId: this.options.runId,
        executor: this.deps.executor,
        clock: this.deps.clock,
        random: this.deps.random,
        redactor: this.redactor,
        onMissing: this.workflow.settings.onMissing,
        maxResponseBytes: this.deps.maxResponseBytes,
        signal,
        scopeFor: (attempt) => this.variables.scopeFor(attempt),
        onAttempt: (attempt) => this.onAttempt(step, attempt),
        onRetry: (failure) => this.onRetry(step, failure),
      });
    } catch (error) {
      // A defect, not a step failure: keep the run's shape and say what happened.
      this.logger.error({ stepId: step.usid, err: error }, 'step crashed');
      const message = `internal error: ${errorMessage(error)}`;
      outcome = { status: 'failed', error: message, attempts: 1, httpStatus: null };
    }
    this.inFlight -= 1;
    if (outcome.status !== 'stopped' && this.scheduler.statusOf(step.index) === 'running') {
      this.endStarted(step, outcome);
    }
    this.finishWhenDone();
  }

  private onAttempt(step: ResolvedStep, attempt: number): void {
    const entry = this.entry(step);
    entry.attempts = attempt;
    entry.status = 'running';
    const first = attempt === 1 && this.recorder.isObserved;
    this.record(step, first ? this.events.stepStarted(step, 1) : null);
  }

  private onRetry(step: ResolvedStep, failure: Failure): void {
    const entry = this.entry(step);
    entry.status = 'retrying';
    entry.http_status = failure.httpStatus;
    const { attempt, delayMs, error } = failure;
    this.logger.warn(
      { stepId: step.usid, attempt, delayMs, error },
      'step attempt failed; retrying',
    );
    this.record(step, this.recorder.isObserved ? this.events.stepRetrying(step, failure) : null);
  }

  private endStarted(
    step: ResolvedStep,
    outcome: Exclude<StepOutcome, { status: 'stopped' }>,
  ): void {
    const now = this.deps.clock.now();
    const durationMs = now - (this.startedAtMs[step.index] ?? now);
    const entry = this.entry(step);
    entry.status = outcome.status;
    entry.attempts = outcome.attempts;
    entry.http_status = outcome.httpStatus;
    entry.finished_at = iso(now);
    entry.duration_ms = durationMs;
    const { attempts, httpStatus } = outcome;
    const observed = this.recorder.isObserved;
    if (outcome.status === 'completed') {
      entry.outputs = outcome.outputs;
      this.variables.addOutputs(step, outcome.outputs);
      const { outputs } = outcome;
      const event = observed
        ? this.events.stepCompleted(step, { durationMs, attempts, httpStatus, outputs })
        : null;
      this.record(step, event, outputs);
      this.apply(this.scheduler.settle(step.index, 'completed'));
    } else {
      entry.error = outcome.error;
      this.failedSteps.push(step.index);
      this.logger.warn({ stepId: step.usid, attempts, error: outcome.error }, 'step failed');
      const { error } = outcome;
      const event = observed
        ? this.events.stepFailed(step, { durationMs, attempts, httpStatus, error })
        : null;
      this.record(step, event);
      this.apply(this.scheduler.settle(step.index, 'failed'));
    }
  }

  private endUnstarted(step: ResolvedStep, reason: string): void {
    const entry = this.entry(step);
    entry.status = 'aborted';
    entry.reason = reason;
    entry.finished_at = iso(this.deps.clock.now());
    const observed = this.recorder.isObserved;
    this.record(step, observed ? this.events.stepAborted(step, 'aborted', reason) : null);
  }

  private cancelRunning(step: ResolvedStep, reason: string): void {
    if (!this.stopSteps.signal.aborted) {
      this.stopSteps.abort(new WorkflowEngineError('STEP_ABORTED', reason));
    }
    const now = this.deps.clock.now();
    const entry = this.entry(step);
    entry.status = 'cancelled';
    entry.reason = reason;
    entry.finished_at = iso(now);
    entry.duration_ms = now - (this.startedAtMs[step.index] ?? now);
    const observed = this.recorder.isObserved;
    this.record(step, observed ? this.events.stepAborted(step, 'cancelled', reason) : null);
  }

  private record(
    step: ResolvedStep,
    event: WorkflowEvent | null,
    outputs?: Record<string, unknown>,
  ): void {
    this.recorder.transition(step.index, this.entry(step), event, outputs);
  }

  private entry(step: ResolvedStep): StepHistoryEntry {
    return this.history[step.index] as StepHistoryEntry;
  }

  /** A lost write makes the run's record untrustworthy: the run fails, naming the store error. */
  private onStoreFailure(error: StorageError): void {
    this.halt('failed', `run failed: store error: ${error.message}`);
  }

  private storeFailedAtEnd(result: WorkflowResult, error: unknown): WorkflowResult {
    const message = `store error: could not save the run's final record: ${errorMessage(error)}`;
    this.logger.error({ err: error }, message);
    const { all_outputs: allOutputs, ...rest } = result;
    return {
      ...rest,
      success: false,
      status: 'failed',
      error: message,
      partial_outputs: result.partial_outputs ?? allOutputs ?? {},
    };
  }

  private result(executionTimeMs: number): WorkflowResult {
    const cause = this.scheduler.haltCause;
    const storeFailure = this.recorder.storeFailure;
    const status =
      cause === 'cancelled' || cause === 'timed_out'
        ? cause
        : this.failedSteps.length > 0 || storeFailure !== null
          ? 'failed'
          : 'succeeded';
    return buildResult({
      workflow: this.workflow,
      runId: this.options.runId,
      status,
      executionTimeMs,
      history: this.history,
      outputs: this.variables.produced,
      error: this.errorText(status, storeFailure),
    });
  }

  private errorText(
    status: WorkflowResult['status'],
    storeFailure: StorageError | null,
  ): string | null {
    if (status === 'succeeded') return null;
    if (status === 'cancelled') return 'run cancelled';
    if (status === 'timed_out') {
      return `run timed out after ${this.workflow.settings.totalTimeoutMs / 1000} s`;
    }
    if (storeFailure !== null) return `store error: ${storeFailure.message}`;
    const entry = this.history[this.failedSteps[0] as number] as StepHistoryEntry;
    const more = this.failedSteps.length - 1;
    const others = more > 0 ? ` (and ${more} more step${more === 1 ? '' : 's'} failed)` : '';
    return `step ${entry.step_name} (${entry.usid}) failed: ${entry.error ?? 'unknown error'}${others}`;
  }

  /** Sensitive header values written literally in the payload are known before anything runs. */
  private registerLiteralSensitiveHeaders(): void {
    for (const step of this.workflow.payload.STEPS_CONFIG) {
      for (const [name, value] of Object.entries(step.headers ?? {})) {
        if (!SENSITIVE_HEADER_NAME.test(name) || value.includes('{{')) continue;
        for (const part of sensitiveHeaderParts(value)) this.redactor.add(part);
      }
    }
  }
}
