/**
 * Runs workflows for the service: synchronous and background runs, the registry of runs in
 * flight (for cancel and shutdown), live events for SSE, webhooks, and the store that keeps
 * everything. The HTTP API is a thin layer over this.
 */
import { ulid } from 'ulid';
import { validatePayload, resolveWorkflow, type ValidationOutcome } from '../core/dag/index.js';
import type { ResolvedWorkflow } from '../core/dag/types.js';
import { ConflictError, NotFoundError, UnavailableError } from '../core/errors.js';
import type { ValidationLimits } from '../core/payload/defaults.js';
import type { RunRecord, WorkflowEvent, WorkflowResult } from '../core/run/index.js';
import { runWorkflow } from '../engine/index.js';
import type { Clock } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import type { Notifier, RunNotifier } from '../ports/notifier.js';
import type { RunFilter, RunStore } from '../ports/run-store.js';
import type { StepExecutor } from '../ports/step-executor.js';
import { EventHub, type EventListener } from './event-hub.js';

export const DEFAULT_MAX_CONCURRENT_RUNS = 200;

export interface RunServiceOptions {
  store: RunStore;
  executor: StepExecutor;
  notifier: Notifier | null;
  clock: Clock;
  logger: Logger;
  secrets: Readonly<Record<string, string>>;
  maxResponseBytes: number;
  limits: Partial<ValidationLimits>;
  /** Runs in flight at once; more are refused with 503. @defaultValue 200 */
  maxConcurrentRuns: number;
  /** Longest wait of a synchronous response for its terminal webhook, in ms. @defaultValue 2000 */
  webhookFlushBudgetMs: number;
}

interface ActiveRun {
  controller: AbortController;
  done: Promise<WorkflowResult | null>;
  /** Every event published so far, in order: replayed to streams that join mid-run. */
  events: WorkflowEvent[];
}

/** A run accepted for background execution. */
export interface StartedRun {
  runId: string;
  /** Settles when the run ends; never rejects. */
  done: Promise<WorkflowResult | null>;
}

export class RunService {
  private readonly active = new Map<string, ActiveRun>();
  private readonly hub = new EventHub();
  private accepting = true;

  constructor(private readonly options: RunServiceOptions) {}

  get store(): RunStore {
    return this.options.store;
  }

  /** Number of runs in flight. */
  get activeRuns(): number {
    return this.active.size;
  }

  validate(payload: unknown): ValidationOutcome {
    return validatePayload(payload, this.options.limits);
  }

  /**
   * Runs `payload` and answers with its result once it ended and its terminal webhook had its
   * first attempt (at most the flush budget).
   * @throws ValidationError, UnavailableError (full or shutting down), StorageError (store down).
   */
  async execute(payload: unknown): Promise<WorkflowResult> {
    const workflow = this.admit(payload);
    const { result, notifier } = await this.launch(workflow, ulid()).completion;
    await notifier?.flush(this.options.webhookFlushBudgetMs);
    return result;
  }

  /**
   * Starts `payload` in the background; resolves once the run is recorded in the store.
   * @throws ValidationError, UnavailableError, StorageError.
   */
  async start(payload: unknown): Promise<StartedRun> {
    const workflow = this.admit(payload);
    const runId = ulid();
    const launched = this.launch(workflow, runId);
    // Handled before awaiting: a store that refuses the run rejects both promises.
    const done = launched.completion.then(
      ({ result }) => result,
      () => null,
    );
    await launched.started;
    return { runId, done };
  }

  /** The stored record of a run. @throws NotFoundError */
  async getRun(runId: string): Promise<RunRecord> {
    const stored = await this.options.store.getRun(runId);
    if (stored === null) throw new NotFoundError(`run ${runId} not found (it may have expired)`);
    return stored.record;
  }

  listRuns(filter: RunFilter): Promise<RunRecord[]> {
    return this.options.store.listRuns(filter);
  }

  /**
   * Cancels a run in flight: its requests are aborted and it ends `cancelled`.
   * @throws NotFoundError for an unknown run, ConflictError for one that already ended.
   */
  async cancel(runId: string): Promise<RunRecord> {
    const run = this.active.get(runId);
    if (run === undefined) {
      const record = await this.getRun(runId);
      throw new ConflictError(`run ${runId} already ended with status ${record.status}`);
    }
    run.controller.abort();
    await run.done;
    return this.getRun(runId);
  }

  /**
   * Past events of a run after `afterSequence`, then live ones, in order without gaps or repeats;
   * `onEnd` is called after the terminal event (or once the replay is done for a run that is not
   * executing in this process). Replayed events may reach `listener` before this resolves.
   * @returns a function that stops the stream.
   * @throws NotFoundError for an unknown run.
   */
  async streamEvents(
    runId: string,
    afterSequence: number,
    listener: EventListener,
    onEnd: () => void,
  ): Promise<() => void> {
    const active = this.active.get(runId);
    if (active !== undefined)
      return this.followActive(runId, active, afterSequence, listener, onEnd);
    // Not running here: the store holds every event (a run leaves `active` after its last write).
    const stored = await this.options.store.getRun(runId);
    if (stored === null) throw new NotFoundError(`run ${runId} not found (it may have expired)`);
    const past = await this.options.store.getEvents(runId, afterSequence);
    for (const event of past) listener(event);
    onEnd();
    return () => undefined;
  }

  /**
   * Replays the run's events kept in memory and subscribes in the same tick, so that nothing is
   * published in between; store writes lag behind publication, so the store could miss some.
   */
  private followActive(
    runId: string,
    active: ActiveRun,
    afterSequence: number,
    listener: EventListener,
    onEnd: () => void,
  ): () => void {
    let ended = false;
    let unsubscribe: () => void = () => undefined;
    const deliver = (event: WorkflowEvent): void => {
      if (ended || event.sequence <= afterSequence) return;
      listener(event);
      if (event.event === 'workflow_completed' || event.event === 'workflow_failed') {
        ended = true;
        unsubscribe();
        onEnd();
      }
    };
    for (const event of active.events) deliver(event);
    if (!ended) unsubscribe = this.hub.subscribe(runId, deliver);
    return () => {
      ended = true;
      unsubscribe();
    };
  }

  /**
   * Stops accepting runs, lets those in flight finish for up to `graceMs`, then cancels the rest
   * (recorded as cancelled) and waits for them to end.
   */
  async shutdown(graceMs: number): Promise<void> {
    this.accepting = false;
    const all = (): Promise<unknown> =>
      Promise.all([...this.active.values()].map((run) => run.done));
    const graceOver = new AbortController();
    const finished = await Promise.race([
      all().then(() => true),
      this.options.clock.sleep(graceMs, graceOver.signal).then(
        () => false,
        () => false,
      ),
    ]);
    graceOver.abort();
    if (finished) return;
    this.options.logger.warn(
      { runs: this.active.size },
      'grace period over; cancelling runs in flight',
    );
    for (const run of this.active.values()) run.controller.abort();
    await all();
  }

  private admit(payload: unknown): ResolvedWorkflow {
    if (!this.accepting)
      throw new UnavailableError('the service is shutting down; retry on another instance', 5);
    const workflow = resolveWorkflow(payload, this.options.limits);
    if (this.active.size >= this.options.maxConcurrentRuns) {
      throw new UnavailableError(
        `too many runs in flight (${this.active.size} of ${this.options.maxConcurrentRuns}); retry shortly`,
        1,
      );
    }
    return workflow;
  }

  private launch(workflow: ResolvedWorkflow, runId: string) {
    const controller = new AbortController();
    const notifications = workflow.settings.notifications;
    const notifier: RunNotifier | null =
      notifications === null || this.options.notifier === null
        ? null
        : this.options.notifier.openRun(runId, notifications);
    let markStarted: () => void = () => undefined;
    const started = new Promise<void>((resolve) => (markStarted = resolve));
    const events: WorkflowEvent[] = [];
    const onEvent = (event: WorkflowEvent): void => {
      if (event.event === 'workflow_started') markStarted();
      events.push(event);
      notifier?.notify(event);
      this.hub.publish(event);
    };
    const running = runWorkflow(
      workflow,
      {
        executor: this.options.executor,
        clock: this.options.clock,
        logger: this.options.logger,
        store: this.options.store,
        secrets: this.options.secrets,
        maxResponseBytes: this.options.maxResponseBytes,
        random: Math.random,
      },
      { runId, signal: controller.signal, onEvent },
    );
    const done = running.then(
      (result) => result,
      () => null,
    );
    this.active.set(runId, { controller, done, events });
    void done.then(() => this.active.delete(runId));
    // A run the store refused never starts: surface that error instead of waiting forever.
    const startedOrRefused = Promise.race([started, running.then(() => undefined)]);
    // Synchronous callers wait on the completion only; the refusal reaches them there.
    startedOrRefused.catch(() => undefined);
    return {
      started: startedOrRefused,
      completion: running.then((result) => ({ result, notifier })),
    };
  }
}
