/**
 * Publishes a run's events to its listener and writes its state to the store. Transition writes
 * are issued without making steps wait (a store applies one run's writes in call order) and
 * all are awaited before the final record; a failed write is reported once.
 */
import { StorageError } from '../core/errors.js';
import type { RunRecord, StepHistoryEntry, WorkflowEvent } from '../core/run/index.js';
import type { Logger } from '../ports/logger.js';
import type { NewRun, RunStore } from '../ports/run-store.js';

/** Writes in flight before the recorder waits for them, bounding memory on long runs. */
const MAX_PENDING_WRITES = 256;

export class RunRecorder {
  private pendingWrites: Promise<void>[] = [];
  private failure: StorageError | null = null;

  constructor(
    private readonly runId: string,
    private readonly store: RunStore | null,
    private readonly listener: ((event: WorkflowEvent) => void) | undefined,
    private readonly logger: Logger,
    /** Called once, on the first failed write. */
    private readonly onFailure: (error: StorageError) => void,
  ) {}

  /** True when anyone receives events: otherwise the run does not build them at all. */
  get isObserved(): boolean {
    return this.store !== null || this.listener !== undefined;
  }

  /** The first failed write, if any. */
  get storeFailure(): StorageError | null {
    return this.failure;
  }

  /** Records a new run; a store that refuses it rejects, and nothing is published. */
  async createRun(run: NewRun): Promise<void> {
    if (this.store !== null) await this.store.createRun(run);
    for (const event of run.events) this.publish(event);
  }

  /** Publishes `event` (if any) and writes the step's new state. */
  transition(
    stepIndex: number,
    entry: StepHistoryEntry,
    event: WorkflowEvent | null,
    outputs?: Record<string, unknown>,
  ): void {
    if (event !== null) this.publish(event);
    if (this.store === null) return;
    const write = this.store.recordTransition(this.runId, {
      stepIndex,
      step: { ...entry },
      ...(outputs === undefined ? {} : { outputs }),
      events: event === null ? [] : [event],
    });
    this.pendingWrites.push(write.catch((error: unknown) => this.fail(error)));
    if (this.pendingWrites.length >= MAX_PENDING_WRITES) void this.settle();
  }

  /** Waits for every write issued so far. */
  async settle(): Promise<void> {
    const writes = this.pendingWrites;
    this.pendingWrites = [];
    await Promise.all(writes);
  }

  /** Publishes the terminal event and writes the final record; rejects if the store fails. */
  async finishRun(record: RunRecord, event: WorkflowEvent | null): Promise<void> {
    if (event !== null) this.publish(event);
    if (this.store !== null) {
      await this.store.finishRun(this.runId, record, event === null ? [] : [event]);
    }
  }

  private publish(event: WorkflowEvent): void {
    if (this.listener === undefined) return;
    try {
      this.listener(event);
    } catch (error) {
      this.logger.error({ err: error, event: event.event }, 'event listener threw; ignored');
    }
  }

  private fail(error: unknown): void {
    if (this.failure !== null) return;
    this.failure =
      error instanceof StorageError
        ? error
        : new StorageError(`store write failed: ${errorMessage(error)}`, { cause: error });
    this.logger.error({ err: this.failure }, 'store write failed; failing the run');
    this.onFailure(this.failure);
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
