/**
 * One execution of a validated workflow: drives the scheduler, runs steps through the executor
 * port, enforces the run's time limit and cancellation, keeps the step history, publishes events
 * and writes every transition to the store (SPEC 3, 4, 5, 6).
 */
import type { ResolvedStep, ResolvedWorkflow } from '../core/dag/types.js';
import { StorageError, WorkflowEngineError } from '../core/errors.js';
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
import type { TemplateScope } from '../core/template/types.js';
import type { Clock } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import type { RunStore } from '../ports/run-store.js';
import type { StepExecutor } from '../ports/step-executor.js';
import { RunEvents } from './run-events.js';
import { runStepAttempts, type StepOutcome } from './step-attempts.js';

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

/** Runs `workflow` to its end and returns the result; rejects only if the store refuses the run. */
export async function runWorkflow(
  workflow: ResolvedWorkflow,
  dependencies: EngineDependencies,
  options: RunOptions,
): Promise<WorkflowResult> {
  return new WorkflowRun(workflow, dependencies, options).execute();
}

class WorkflowRun {
  private readonly steps: readonly ResolvedStep[];
  private readonly scheduler: RunScheduler;
  private readonly history: StepHistoryEntry[];
  private readonly outputs = new Map<string, unknown>();
  private readonly controllers: (AbortController | undefined)[];
  private readonly startedAtMs: number[];
  private readonly redactor: Redactor;
  private readonly events: RunEvents;
  private readonly observed: boolean;
  private readonly lifetime = new AbortController();
  private readonly logger: Logger;
  private readonly baseScope: TemplateScope;
  private readonly runVariables: { id: string; workflow_id: string; namespace: string };
  private inFlight = 0;
  private pendingWrites: Promise<void>[] = [];
  private failedSteps: number[] = [];
  private storeFailure: StorageError | null = null;
  private finish: () => void = () => undefined;

  constructor(
    private readonly workflow: ResolvedWorkflow,
    private readonly deps: EngineDependencies,
    private readonly options: RunOptions,
  ) {
    this.steps = workflow.steps;
    this.history = initialHistory(workflow);
    this.controllers = new Array<AbortController | undefined>(this.steps.length);
    this.startedAtMs = new Array<number>(this.steps.length).fill(0);
    this.redactor = new Redactor(Object.values(deps.secrets));
    this.registerLiteralSensitiveHeaders();
    this.events = new RunEvents(
      workflow,
      options.runId,
      () => deps.clock.now(),
      options.resume?.lastSequence ?? 0,
    );
    this.observed = deps.store !== null || options.onEvent !== undefined;
    this.logger = deps.logger.child({ runId: options.runId });
    this.runVariables = {
      id: options.runId,
      workflow_id: workflow.workflowId,
      namespace: workflow.namespace,
    };
    this.scheduler = new RunScheduler(workflow, {
      raiseOnError: workflow.settings.raiseOnError,
      maxParallelSteps: workflow.settings.maxParallelSteps,
      isSelected: (step, name) => isSelected(step.usid, this.lookup(name)),
    });
    const secrets = deps.secrets;
    this.baseScope = { lookup: (name) => (name === 'secrets' ? secrets : this.lookup(name)) };
  }

  async execute(): Promise<WorkflowResult> {
    const { clock } = this.deps;
    const resume = this.options.resume;
    const startMs = resume === undefined ? clock.now() : Date.parse(resume.createdAt);
    const createdAt = iso(startMs);
    const restored =
      resume === undefined ? new Map<number, RestoredStatus>() : this.restore(resume);
    if (resume === undefined) await this.recordStart(createdAt);
    this.logger.info(
      { steps: this.steps.length, restored: restored.size },
      resume === undefined ? 'run started' : 'run resumed',
    );

    const finished = new Promise<void>((resolve) => (this.finish = resolve));
    this.watchLimits(startMs);
    this.apply(this.scheduler.start(restored));
    await finished;
    this.lifetime.abort();
    await this.settleWrites();

    const result = this.result(clock.now() - startMs);
    const finishedEvent = this.observed ? this.events.workflowFinished(result) : null;
    if (finishedEvent !== null) this.publish(finishedEvent);
    const store = this.deps.store;
    if (store !== null) {
      try {
        await store.finishRun(
          this.options.runId,
          finishedRecord(result, createdAt, iso(clock.now())),
          finishedEvent === null ? [] : [finishedEvent],
        );
      } catch (error) {
        return this.storeFailedAtEnd(result, error);
      }
    }
    this.logger.info(
      { status: result.status, executionTime: result.execution_time },
      'run finished',
    );
    return result;
  }

  /** Records the new run and its first event; a store that refuses it rejects the run. */
  private async recordStart(createdAt: string): Promise<void> {
    const started = this.observed ? this.events.workflowStarted() : null;
    const store = this.deps.store;
    if (store !== null) {
      await store.createRun({
        record: runningRecord(this.workflow, this.options.runId, this.history, createdAt),
        payload: this.redactor.redact(this.workflow.payload),
        events: started === null ? [] : [started],
      });
    }
    if (started !== null) this.publish(started);
  }

  /** Takes over the terminal states and outputs of a stored run; the rest starts afresh. */
  private restore(resume: ResumeState): Map<number, RestoredStatus> {
    const restored = new Map<number, RestoredStatus>();
    for (const step of this.steps) {
      const stored = resume.history[step.index];
      if (stored === undefined || stored.usid !== step.usid) continue;
      if (
        stored.status !== 'completed' &&
        stored.status !== 'failed' &&
        stored.status !== 'aborted'
      )
        continue;
      this.history[step.index] = { ...stored };
      restored.set(step.index, stored.status);
      if (stored.status === 'failed') this.failedSteps.push(step.index);
    }
    for (const [name, value] of Object.entries(resume.outputs)) this.outputs.set(name, value);
    return restored;
  }

  /** The run's total time limit (counted from its creation) and the caller's cancellation. */
  private watchLimits(startMs: number): void {
    const { totalTimeoutMs } = this.workflow.settings;
    const remainingMs = Math.max(0, startMs + totalTimeoutMs - this.deps.clock.now());
    this.deps.clock.sleep(remainingMs, this.lifetime.signal).then(
      () => this.halt('timed_out', 'run timed out'),
      () => undefined,
    );
    const signal = this.options.signal;
    if (signal === undefined) return;
    if (signal.aborted) {
      this.halt('cancelled', 'run cancelled');
      return;
    }
    const onAbort = (): void => this.halt('cancelled', 'run cancelled');
    signal.addEventListener('abort', onAbort, { once: true });
    this.lifetime.signal.addEventListener(
      'abort',
      () => signal.removeEventListener('abort', onAbort),
      { once: true },
    );
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
    if (this.scheduler.isFinished && this.inFlight === 0) this.finish();
  }

  private startStep(step: ResolvedStep): void {
    const controller = new AbortController();
    this.controllers[step.index] = controller;
    const now = this.deps.clock.now();
    this.startedAtMs[step.index] = now;
    const entry = this.history[step.index] as StepHistoryEntry;
    entry.status = 'running';
    entry.started_at = iso(now);
    this.inFlight += 1;
    void this.runStep(step, controller.signal);
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
        scopeFor: (attempt) => this.scopeFor(attempt),
        onAttempt: (attempt) => this.onAttempt(step, attempt),
        onRetry: (failure) => this.onRetry(step, failure),
      });
    } catch (error) {
      // A defect, not a step failure: keep the run's shape and say what happened.
      this.logger.error({ stepId: step.usid, err: error }, 'step crashed');
      outcome = {
        status: 'failed',
        error: `internal error: ${errorMessage(error)}`,
        attempts: 1,
        httpStatus: null,
      };
    }
    this.inFlight -= 1;
    this.controllers[step.index] = undefined;
    if (outcome.status !== 'stopped' && this.scheduler.statusOf(step.index) === 'running') {
      this.endStarted(step, outcome);
    }
    if (this.scheduler.isFinished && this.inFlight === 0) this.finish();
  }

  private onAttempt(step: ResolvedStep, attempt: number): void {
    const entry = this.history[step.index] as StepHistoryEntry;
    entry.attempts = attempt;
    entry.status = 'running';
    if (attempt === 1) {
      this.record(step, this.observed ? this.events.stepStarted(step, 1) : null);
    } else {
      this.record(step, null);
    }
  }

  private onRetry(
    step: ResolvedStep,
    failure: { attempt: number; delayMs: number; error: string; httpStatus: number | null },
  ): void {
    const entry = this.history[step.index] as StepHistoryEntry;
    entry.status = 'retrying';
    entry.http_status = failure.httpStatus;
    this.logger.warn(
      {
        stepId: step.usid,
        attempt: failure.attempt,
        delayMs: failure.delayMs,
        error: failure.error,
      },
      'step attempt failed; retrying',
    );
    this.record(step, this.observed ? this.events.stepRetrying(step, failure) : null);
  }

  private endStarted(
    step: ResolvedStep,
    outcome: Exclude<StepOutcome, { status: 'stopped' }>,
  ): void {
    const now = this.deps.clock.now();
    const durationMs = now - (this.startedAtMs[step.index] ?? now);
    const entry = this.history[step.index] as StepHistoryEntry;
    entry.status = outcome.status;
    entry.attempts = outcome.attempts;
    entry.http_status = outcome.httpStatus;
    entry.finished_at = iso(now);
    entry.duration_ms = durationMs;
    if (outcome.status === 'completed') {
      entry.outputs = outcome.outputs;
      for (const name of step.outputs) this.outputs.set(name, outcome.outputs[name]);
      const event = this.observed
        ? this.events.stepCompleted(step, {
            durationMs,
            attempts: outcome.attempts,
            httpStatus: outcome.httpStatus,
            outputs: outcome.outputs,
          })
        : null;
      this.record(step, event, outcome.outputs);
      this.apply(this.scheduler.settle(step.index, 'completed'));
    } else {
      entry.error = outcome.error;
      this.failedSteps.push(step.index);
      this.logger.warn(
        { stepId: step.usid, attempts: outcome.attempts, error: outcome.error },
        'step failed',
      );
      const event = this.observed
        ? this.events.stepFailed(step, {
            durationMs,
            attempts: outcome.attempts,
            httpStatus: outcome.httpStatus,
            error: outcome.error,
          })
        : null;
      this.record(step, event);
      this.apply(this.scheduler.settle(step.index, 'failed'));
    }
  }

  private endUnstarted(step: ResolvedStep, reason: string): void {
    const entry = this.history[step.index] as StepHistoryEntry;
    entry.status = 'aborted';
    entry.reason = reason;
    entry.finished_at = iso(this.deps.clock.now());
    this.record(step, this.observed ? this.events.stepAborted(step, 'aborted', reason) : null);
  }

  private cancelRunning(step: ResolvedStep, reason: string): void {
    this.controllers[step.index]?.abort(new WorkflowEngineError('STEP_ABORTED', reason));
    const now = this.deps.clock.now();
    const entry = this.history[step.index] as StepHistoryEntry;
    entry.status = 'cancelled';
    entry.reason = reason;
    entry.finished_at = iso(now);
    entry.duration_ms = now - (this.startedAtMs[step.index] ?? now);
    this.record(step, this.observed ? this.events.stepAborted(step, 'cancelled', reason) : null);
  }

  /** Publishes the event and writes the step's new state; store writes never block steps. */
  private record(
    step: ResolvedStep,
    event: WorkflowEvent | null,
    outputs?: Record<string, unknown>,
  ): void {
    if (event !== null) this.publish(event);
    const store = this.deps.store;
    if (store === null) return;
    const write = store.recordTransition(this.options.runId, {
      stepIndex: step.index,
      step: { ...(this.history[step.index] as StepHistoryEntry) },
      ...(outputs === undefined ? {} : { outputs }),
      events: event === null ? [] : [event],
    });
    this.pendingWrites.push(write.catch((error: unknown) => this.onStoreFailure(error)));
    if (this.pendingWrites.length >= 256) void this.settleWrites();
  }

  /** Waits for the writes issued so far (transitions of one run are applied in call order). */
  private async settleWrites(): Promise<void> {
    const writes = this.pendingWrites;
    this.pendingWrites = [];
    await Promise.all(writes);
  }

  /** A lost write makes the run's record untrustworthy: the run fails, naming the store error. */
  private onStoreFailure(error: unknown): void {
    if (this.storeFailure !== null) return;
    this.storeFailure =
      error instanceof StorageError
        ? error
        : new StorageError(`store write failed: ${errorMessage(error)}`, { cause: error });
    this.logger.error({ err: this.storeFailure }, 'store write failed; failing the run');
    this.halt('failed', `run failed: store error: ${this.storeFailure.message}`);
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

  private publish(event: WorkflowEvent): void {
    const listener = this.options.onEvent;
    if (listener === undefined) return;
    try {
      listener(event);
    } catch (error) {
      this.logger.error({ err: error, event: event.event }, 'event listener threw; ignored');
    }
  }

  private result(executionTimeMs: number) {
    const cause = this.scheduler.haltCause;
    const status =
      cause === 'cancelled' || cause === 'timed_out'
        ? cause
        : this.failedSteps.length > 0 || this.storeFailure !== null
          ? 'failed'
          : 'succeeded';
    return buildResult({
      workflow: this.workflow,
      runId: this.options.runId,
      status,
      executionTimeMs,
      history: this.history,
      outputs: this.outputs,
      error: this.errorText(status),
    });
  }

  private errorText(status: WorkflowResult['status']): string | null {
    if (status === 'succeeded') return null;
    if (status === 'cancelled') return 'run cancelled';
    if (status === 'timed_out')
      return `run timed out after ${this.workflow.settings.totalTimeoutMs / 1000} s`;
    if (this.storeFailure !== null) return `store error: ${this.storeFailure.message}`;
    const first = this.failedSteps[0] as number;
    const entry = this.history[first] as StepHistoryEntry;
    const more = this.failedSteps.length - 1;
    return `step ${entry.step_name} (${entry.usid}) failed: ${entry.error ?? 'unknown error'}${more > 0 ? ` (and ${more} more step${more === 1 ? '' : 's'} failed)` : ''}`;
  }

  private scopeFor(attempt: number): TemplateScope {
    const run = { ...this.runVariables, attempt };
    const base = this.baseScope;
    return { lookup: (name) => (name === 'run' ? run : base.lookup(name)) };
  }

  /** Variables: outputs produced so far, then input_data keys, then original_input. */
  private lookup(name: string): unknown {
    const output = this.outputs.get(name);
    if (output !== undefined || this.outputs.has(name)) return output;
    const inputData = this.workflow.inputData;
    if (Object.hasOwn(inputData, name)) return inputData[name];
    if (name === 'original_input') return this.workflow.originalInput;
    return undefined;
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

/** Whether `usid` is listed in a selection value (a list of usids or one usid). */
function isSelected(usid: string, selection: unknown): boolean | undefined {
  if (selection === undefined || selection === null) return undefined;
  if (typeof selection === 'string') return selection === usid;
  if (Array.isArray(selection)) return selection.includes(usid);
  return false;
}

function iso(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
