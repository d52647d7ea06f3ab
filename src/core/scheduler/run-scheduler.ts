/**
 * The run state machine (SPEC 3.1–3.4). It decides which steps start, which are aborted and when
 * the run ends; it does no I/O and keeps no time: the engine reports each step's outcome and
 * carries out the returned commands in order.
 *
 * Everything is index-based and event-driven: each settled step visits only its own downstream
 * steps, so a whole run costs O(steps + edges).
 */
import type { ResolvedStep, ResolvedWorkflow } from '../dag/types.js';
import type { StepStatus } from '../run/types.js';

/** What the engine must do next, in order. */
export type SchedulerCommand =
  | { type: 'start'; step: number }
  /** A pending step will never run. */
  | { type: 'abort'; step: number; reason: string }
  /** A running step must stop: abort its request. */
  | { type: 'cancel'; step: number; reason: string };

/** Whether `step` is listed in the selection output `name`; undefined when it was not produced. */
export type SelectionCheck = (step: ResolvedStep, name: string) => boolean | undefined;

export interface RunSchedulerOptions {
  raiseOnError: boolean;
  maxParallelSteps: number;
  isSelected: SelectionCheck;
}

/** Terminal states a resumed run takes over from its stored history. */
export type RestoredStatus = 'completed' | 'failed' | 'aborted';

/** Why a run ends early; decides the reasons written on the steps it stops. */
export type HaltCause = 'failed' | 'cancelled' | 'timed_out';

export class RunScheduler {
  private readonly steps: readonly ResolvedStep[];
  private readonly options: RunSchedulerOptions;
  private readonly status: StepStatus[];
  private readonly unsettled: Int32Array;
  private readonly completedUp: Int32Array;
  private readonly failedUp: Int32Array;
  private readonly ready: number[] = [];
  private readyHead = 0;
  private running = 0;
  private settled = 0;
  private halted: HaltCause | null = null;

  constructor(workflow: ResolvedWorkflow, options: RunSchedulerOptions) {
    this.steps = workflow.steps;
    this.options = options;
    const count = this.steps.length;
    this.status = new Array<StepStatus>(count).fill('pending');
    this.unsettled = new Int32Array(count);
    this.completedUp = new Int32Array(count);
    this.failedUp = new Int32Array(count);
    for (const step of this.steps) this.unsettled[step.index] = step.upstream.length;
  }

  /** Status of one step as the scheduler sees it. */
  statusOf(step: number): StepStatus {
    return this.status[step] ?? 'pending';
  }

  /** True once every step has reached a terminal state. */
  get isFinished(): boolean {
    return this.settled === this.steps.length;
  }

  /** Set when the run was ended early, by a failure (raise_on_error), cancellation or time-out. */
  get haltCause(): HaltCause | null {
    return this.halted;
  }

  /**
   * First commands of the run: gates known at start, then the steps with nothing to wait for.
   * A resumed run passes the states its steps had reached; they are not run again.
   */
  start(restored: ReadonlyMap<number, RestoredStatus> = NOTHING_RESTORED): SchedulerCommand[] {
    const commands: SchedulerCommand[] = [];
    const cascade: number[] = [];
    let firstFailure = -1;
    for (const [index, status] of restored) {
      this.status[index] = status;
      this.settled += 1;
      cascade.push(index);
      if (status === 'failed' && firstFailure < 0) firstFailure = index;
    }
    if (firstFailure >= 0 && this.options.raiseOnError) {
      this.haltInto('failed', `run failed: step ${this.nameOf(firstFailure)} failed`, commands);
      return commands;
    }
    for (const step of this.steps) {
      if (this.status[step.index] !== 'pending') continue;
      const closedGate = this.closedInputGate(step);
      if (closedGate !== null) {
        this.abort(step.index, closedGate, commands);
        cascade.push(step.index);
      } else if (step.upstream.length === 0) {
        this.enqueue(step.index);
      }
    }
    this.propagate(cascade, commands);
    this.fill(commands);
    return commands;
  }

  /** The engine finished a step (a late report for a cancelled step is ignored). */
  settle(step: number, outcome: 'completed' | 'failed'): SchedulerCommand[] {
    if (this.status[step] !== 'running') return [];
    const commands: SchedulerCommand[] = [];
    this.status[step] = outcome;
    this.running -= 1;
    this.settled += 1;
    if (outcome === 'failed' && this.options.raiseOnError) {
      this.haltInto('failed', `run failed: step ${this.nameOf(step)} failed`, commands);
      return commands;
    }
    this.propagate([step], commands);
    this.fill(commands);
    return commands;
  }

  /** Ends the run now: running steps are cancelled, pending ones aborted with `reason`. */
  halt(cause: HaltCause, reason: string): SchedulerCommand[] {
    const commands: SchedulerCommand[] = [];
    this.haltInto(cause, reason, commands);
    return commands;
  }

  private haltInto(cause: HaltCause, reason: string, commands: SchedulerCommand[]): void {
    if (this.halted !== null) return;
    this.halted = cause;
    for (let index = 0; index < this.status.length; index += 1) {
      const status = this.status[index];
      if (status === 'running' || status === 'retrying') {
        this.status[index] = 'cancelled';
        this.running -= 1;
        this.settled += 1;
        commands.push({ type: 'cancel', step: index, reason });
      } else if (status === 'pending') {
        this.abort(index, reason, commands);
      }
    }
    this.readyHead = this.ready.length;
  }

  /** Visits the downstream steps of each newly settled step; aborts cascade through the list. */
  private propagate(settledSteps: number[], commands: SchedulerCommand[]): void {
    while (settledSteps.length > 0) {
      const upstream = settledSteps.pop() as number;
      const upstreamStatus = this.status[upstream];
      for (const downstream of this.steps[upstream]?.downstream ?? []) {
        if (this.status[downstream] !== 'pending') continue;
        this.unsettled[downstream] = (this.unsettled[downstream] ?? 0) - 1;
        if (upstreamStatus === 'completed')
          this.completedUp[downstream] = (this.completedUp[downstream] ?? 0) + 1;
        else if (upstreamStatus === 'failed')
          this.failedUp[downstream] = (this.failedUp[downstream] ?? 0) + 1;
        const decision = this.decide(downstream, upstream);
        if (decision === true) {
          this.enqueue(downstream);
        } else if (decision !== null) {
          this.abort(downstream, decision, commands);
          settledSteps.push(downstream);
        }
      }
    }
  }

  /** `true` to run, an abort reason, or null to keep waiting; called when `upstream` settles. */
  private decide(index: number, upstream: number): true | string | null {
    const step = this.steps[index] as ResolvedStep;
    const upstreamStatus = this.status[upstream] as StepStatus;
    const gate = this.selectionGate(step, upstream, upstreamStatus);
    if (gate !== null) return gate;

    const unsettled = this.unsettled[index] ?? 0;
    const completed = this.completedUp[index] ?? 0;
    const failed = this.failedUp[index] ?? 0;
    const notCompleted = step.upstream.length - unsettled - completed;
    switch (step.triggerRule) {
      case 'all_success':
        if (upstreamStatus !== 'completed') return this.upstreamReason(upstream, upstreamStatus);
        return unsettled === 0 ? true : null;
      case 'none_failed_min_one_success':
        if (failed > 0 && upstreamStatus === 'failed')
          return this.upstreamReason(upstream, upstreamStatus);
        if (unsettled > 0) return null;
        return completed > 0 ? true : 'no upstream step completed';
      case 'one_success':
        if (unsettled > 0) return null;
        return completed > 0 ? true : `no upstream step completed (${notCompleted} did not)`;
      case 'all_done':
        return unsettled === 0 ? true : null;
    }
  }

  /** Abort reason when `upstream` produces a selection that excludes this step, else null. */
  private selectionGate(
    step: ResolvedStep,
    upstream: number,
    upstreamStatus: StepStatus,
  ): string | null {
    for (const dependency of step.dependencies) {
      if (dependency.kind !== 'selection' || dependency.stepIndex !== upstream) continue;
      if (upstreamStatus !== 'completed') {
        return `${dependency.name} was not produced: step ${this.nameOf(upstream)} ${describe(upstreamStatus)}`;
      }
      const selected = this.options.isSelected(step, dependency.name);
      if (selected === undefined)
        return `${dependency.name} was not produced by step ${this.nameOf(upstream)}`;
      if (!selected) return `usid not in ${dependency.name}`;
    }
    return null;
  }

  private closedInputGate(step: ResolvedStep): string | null {
    for (const dependency of step.dependencies) {
      if (dependency.kind !== 'input-selection') continue;
      if (this.options.isSelected(step, dependency.name) !== true)
        return `usid not in ${dependency.name}`;
    }
    return null;
  }

  private upstreamReason(upstream: number, status: StepStatus): string {
    return `upstream step ${this.nameOf(upstream)} ${describe(status)}`;
  }

  private nameOf(index: number): string {
    return this.steps[index]?.name ?? String(index);
  }

  private abort(index: number, reason: string, commands: SchedulerCommand[]): void {
    this.status[index] = 'aborted';
    this.settled += 1;
    commands.push({ type: 'abort', step: index, reason });
  }

  private enqueue(index: number): void {
    this.ready.push(index);
  }

  /** Starts queued steps up to max_parallel_steps, in the order they became ready. */
  private fill(commands: SchedulerCommand[]): void {
    const limit = this.options.maxParallelSteps;
    while (this.running < limit && this.readyHead < this.ready.length) {
      const index = this.ready[this.readyHead] as number;
      this.readyHead += 1;
      if (this.status[index] !== 'pending') continue;
      this.status[index] = 'running';
      this.running += 1;
      commands.push({ type: 'start', step: index });
    }
    if (this.readyHead === this.ready.length && this.readyHead > 0) {
      this.ready.length = 0;
      this.readyHead = 0;
    }
  }
}

const NOTHING_RESTORED: ReadonlyMap<number, RestoredStatus> = new Map();

function describe(status: StepStatus): string {
  return status === 'failed' ? 'failed' : status === 'cancelled' ? 'was cancelled' : 'was aborted';
}
