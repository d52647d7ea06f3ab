import type {
  RunRecord,
  RunStatus,
  StepHistoryEntry,
  WorkflowEvent,
} from '../../../core/run/types.js';
import type {
  NewRun,
  RunFilter,
  RunStore,
  StepTransition,
  StoredRun,
} from '../../../ports/run-store.js';
import {
  CLOSED_REASON,
  DEFAULT_RUN_TTL_SECONDS,
  UNKNOWN_RUN_REASON,
  joinRecord,
  positiveInteger,
  splitRecord,
  storeFailure,
  type RecordHead,
  type StoreOperation,
} from '../common/index.js';

/** Options of {@link MemoryRunStore}. */
export interface MemoryRunStoreOptions {
  /** Seconds a run is kept after its last write. @defaultValue 3600 */
  ttlSeconds?: number;
}

/** Longest pause between two sweeps of expired runs, in ms. */
const MAX_SWEEP_INTERVAL_MS = 60_000;

/** One stored event: its JSON text, kept in `sequence` order. */
interface StoredEvent {
  sequence: number;
  json: string;
}

/** One run as JSON text, so stored values never share objects with the caller. */
interface MemoryRun {
  namespace: string;
  workflowId: string;
  status: RunStatus;
  head: string;
  /** JSON of each step's history entry, by step index. */
  steps: string[];
  payload: string;
  outputs: Map<string, string>;
  events: StoredEvent[];
  /** Epoch ms after which the run is gone. */
  expiresAt: number;
}

/**
 * The embedded default store (SPEC 6): runs live in this process and vanish with it. Values are
 * kept as JSON text, as the Redis stores keep them, so what is read back is what Redis would
 * return. A run expires `ttlSeconds` after its last write: expired runs are invisible at once
 * (checked on every access) and their memory is freed by a sweep timer that does not keep the
 * process alive and stops on `close()`.
 */
export class MemoryRunStore implements RunStore {
  readonly kind = 'memory';
  private readonly ttlMs: number;
  private readonly runs = new Map<string, MemoryRun>();
  private sweepTimer: NodeJS.Timeout | null;
  private closed = false;

  /** @throws ConfigError when `ttlSeconds` is not an integer >= 1. */
  constructor(options: MemoryRunStoreOptions = {}) {
    this.ttlMs =
      positiveInteger('memory', 'ttlSeconds', options.ttlSeconds, DEFAULT_RUN_TTL_SECONDS) * 1000;
    this.sweepTimer = setInterval(() => this.sweep(), Math.min(this.ttlMs, MAX_SWEEP_INTERVAL_MS));
    this.sweepTimer.unref();
  }

  ping(): Promise<void> {
    return this.attempt('ping', undefined, () => undefined);
  }

  createRun(run: NewRun): Promise<void> {
    const { record } = run;
    return this.attempt('write', record.run_id, () => {
      const { head, steps } = splitRecord(record);
      const previous = this.live(record.run_id);
      const stored: MemoryRun = {
        namespace: record.namespace,
        workflowId: record.workflow_id,
        status: record.status,
        head: JSON.stringify(head),
        steps: previous?.steps ?? [],
        payload: JSON.stringify(run.payload) ?? 'null',
        outputs: previous?.outputs ?? new Map<string, string>(),
        events: previous?.events ?? [],
        expiresAt: 0,
      };
      writeSteps(stored.steps, steps);
      addEvents(stored.events, run.events);
      this.touch(stored);
      this.runs.set(record.run_id, stored);
    });
  }

  recordTransition(runId: string, transition: StepTransition): Promise<void> {
    return this.attempt('write', runId, () => {
      const run = this.existing(runId);
      run.steps[transition.stepIndex] = JSON.stringify(transition.step);
      if (transition.outputs !== undefined) {
        for (const name of Object.keys(transition.outputs)) {
          run.outputs.set(name, JSON.stringify(transition.outputs[name]) ?? 'null');
        }
      }
      addEvents(run.events, transition.events);
      this.touch(run);
    });
  }

  finishRun(runId: string, record: RunRecord, events: WorkflowEvent[]): Promise<void> {
    return this.attempt('write', runId, () => {
      const run = this.existing(runId);
      const { head, steps } = splitRecord(record);
      run.head = JSON.stringify(head);
      run.status = record.status;
      writeSteps(run.steps, steps);
      addEvents(run.events, events);
      this.touch(run);
    });
  }

  getRun(runId: string): Promise<StoredRun | null> {
    return this.attempt('read', runId, () => {
      const run = this.live(runId);
      if (run === undefined) return null;
      const outputs: Record<string, unknown> = {};
      for (const [name, json] of run.outputs) outputs[name] = JSON.parse(json) as unknown;
      return { record: toRecord(run), payload: JSON.parse(run.payload) as unknown, outputs };
    });
  }

  getEvents(runId: string, afterSequence = 0): Promise<WorkflowEvent[]> {
    return this.attempt('read', runId, () => {
      const run = this.live(runId);
      if (run === undefined) return [];
      const events: WorkflowEvent[] = [];
      for (const event of run.events) {
        if (event.sequence > afterSequence) events.push(JSON.parse(event.json) as WorkflowEvent);
      }
      return events;
    });
  }

  listRuns(filter: RunFilter): Promise<RunRecord[]> {
    return this.attempt('list', undefined, () => {
      const now = Date.now();
      const ids: string[] = [];
      for (const [runId, run] of this.runs) {
        if (run.expiresAt <= now) {
          this.runs.delete(runId);
          continue;
        }
        if (filter.before !== undefined && runId >= filter.before) continue;
        if (filter.workflowId !== undefined && run.workflowId !== filter.workflowId) continue;
        if (filter.namespace !== undefined && run.namespace !== filter.namespace) continue;
        if (filter.status !== undefined && run.status !== filter.status) continue;
        ids.push(runId);
      }
      ids.sort((a, b) => (a < b ? 1 : a > b ? -1 : 0));
      const records: RunRecord[] = [];
      for (const runId of ids.slice(0, Math.max(0, filter.limit))) {
        const run = this.runs.get(runId);
        if (run !== undefined) records.push(toRecord(run));
      }
      return records;
    });
  }

  /** Stops the sweep timer and drops every run; later calls reject. Safe to call twice. */
  close(): Promise<void> {
    this.closed = true;
    if (this.sweepTimer !== null) clearInterval(this.sweepTimer);
    this.sweepTimer = null;
    this.runs.clear();
    return Promise.resolve();
  }

  /** Runs `work` now (so calls apply in call order) and settles with its outcome. */
  private attempt<T>(
    operation: StoreOperation,
    runId: string | undefined,
    work: () => T,
  ): Promise<T> {
    if (this.closed) return Promise.reject(storeFailure('memory', operation, runId, CLOSED_REASON));
    try {
      return Promise.resolve(work());
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return Promise.reject(storeFailure('memory', operation, runId, reason, error));
    }
  }

  private live(runId: string): MemoryRun | undefined {
    const run = this.runs.get(runId);
    if (run !== undefined && run.expiresAt <= Date.now()) {
      this.runs.delete(runId);
      return undefined;
    }
    return run;
  }

  private existing(runId: string): MemoryRun {
    const run = this.live(runId);
    if (run === undefined) throw new Error(UNKNOWN_RUN_REASON);
    return run;
  }

  private touch(run: MemoryRun): void {
    run.expiresAt = Date.now() + this.ttlMs;
  }

  private sweep(): void {
    const now = Date.now();
    for (const [runId, run] of this.runs) {
      if (run.expiresAt <= now) this.runs.delete(runId);
    }
  }
}

function writeSteps(target: string[], steps: StepHistoryEntry[]): void {
  for (let index = 0; index < steps.length; index += 1) {
    target[index] = JSON.stringify(steps[index]);
  }
}

/**
 * Keeps events ordered by `sequence`; an identical event written twice (a retried write) is
 * kept once, as in the Redis stores' sorted sets.
 */
function addEvents(target: StoredEvent[], events: readonly WorkflowEvent[]): void {
  for (const event of events) {
    const json = JSON.stringify(event);
    let at = target.length;
    while (at > 0 && (target[at - 1] as StoredEvent).sequence > event.sequence) at -= 1;
    let duplicate = false;
    for (let i = at - 1; i >= 0 && (target[i] as StoredEvent).sequence === event.sequence; i -= 1) {
      if ((target[i] as StoredEvent).json === json) duplicate = true;
    }
    if (!duplicate) target.splice(at, 0, { sequence: event.sequence, json });
  }
}

function toRecord(run: MemoryRun): RunRecord {
  const steps: StepHistoryEntry[] = [];
  for (const json of run.steps) {
    if (json !== undefined) steps.push(JSON.parse(json) as StepHistoryEntry);
  }
  return joinRecord(JSON.parse(run.head) as RecordHead, steps);
}
