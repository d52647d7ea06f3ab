import { StorageError } from '../../../core/errors.js';
import type { RunRecord, StepHistoryEntry, WorkflowEvent } from '../../../core/run/types.js';
import type {
  NewRun,
  RunFilter,
  RunStore,
  StepTransition,
  StoredRun,
} from '../../../ports/run-store.js';
import {
  CLOSED_REASON,
  UNKNOWN_RUN_REASON,
  joinRecord,
  parseStored,
  storeFailure,
  type RecordHead,
  type StoreOperation,
} from '../common/index.js';
import type { KeyValueDriver, LexBound } from './driver.js';
import { KeyLayout, type RunKeys, type RunLocation } from './key-layout.js';
import { asHash, asOptionalString, asStrings } from './replies.js';
import { RunWriteQueue } from './run-write-queue.js';
import {
  planCreateRun,
  planFinishRun,
  planPrune,
  planTransition,
  type WriteContext,
} from './write-plans.js';

/** Settings of a key-value store, defaults applied. */
export interface KeyValueStoreSettings {
  keyPrefix: string;
  ttlSeconds: number;
}

/** Runs whose keys are remembered, so writes need no lookup first. */
const MAX_REMEMBERED_RUNS = 10_000;
/** Expired runs removed from the indexes per pass. */
const PRUNE_BATCH = 500;
/** Longest pause between two passes started by createRun, in ms (listRuns always prunes). */
const MAX_PRUNE_INTERVAL_MS = 60_000;
/** Run ids read from an index per round trip while listing. */
const MAX_LIST_PAGE = 200;

/**
 * The run store over Redis commands, shared by {@link RedisRunStore} (ioredis) and
 * {@link UpstashRunStore} (REST). Key layout, what each call writes and how expiry works are in
 * docs/storage.md. Every write is one MULTI/EXEC transaction in one round trip once the run's
 * keys are known: they are known after createRun or any read of the run in this process, and
 * otherwise looked up first (one more round trip, once).
 */
export class KeyValueRunStore implements RunStore {
  readonly kind: string;
  private readonly layout: KeyLayout;
  private readonly ttlSeconds: number;
  private readonly remembered = new Map<string, RunKeys>();
  /** When each run's expiries were last refreshed (epoch ms), bounded like `remembered`. */
  private readonly refreshedAt = new Map<string, number>();
  private readonly writes: RunWriteQueue;
  private readonly pruneIntervalMs: number;
  private lastPruneAt = 0;
  private closed = false;

  constructor(
    private readonly driver: KeyValueDriver,
    settings: KeyValueStoreSettings,
  ) {
    this.kind = driver.kind;
    this.layout = new KeyLayout(settings.keyPrefix);
    this.ttlSeconds = settings.ttlSeconds;
    this.pruneIntervalMs = Math.min(settings.ttlSeconds * 1000, MAX_PRUNE_INTERVAL_MS);
    this.writes = new RunWriteQueue(driver, (runId) => this.requireKeys(runId));
  }

  ping(): Promise<void> {
    return this.guard('ping', undefined, () => this.driver.ping());
  }

  createRun(run: NewRun): Promise<void> {
    const { record } = run;
    return this.guard('write', record.run_id, async () => {
      const keys = this.layout.run(record.run_id, record.namespace, record.workflow_id);
      this.remember(keys);
      const now = Date.now();
      this.markRefreshed(record.run_id, now);
      const written = this.writes.write(record.run_id, keys, (batch, runKeys) =>
        planCreateRun(batch, this.context(now), runKeys, run),
      );
      const pruned = now - this.lastPruneAt >= this.pruneIntervalMs ? this.prune(now) : null;
      await Promise.all([written, pruned]);
    });
  }

  recordTransition(runId: string, transition: StepTransition): Promise<void> {
    return this.guard('write', runId, () =>
      this.writes.write(runId, this.remembered.get(runId), (batch, keys, isLast) => {
        const now = Date.now();
        const refresh = isLast && this.isRefreshDue(runId, now);
        if (refresh) this.markRefreshed(runId, now);
        planTransition(batch, this.context(now), keys, transition, refresh);
      }),
    );
  }

  finishRun(runId: string, record: RunRecord, events: WorkflowEvent[]): Promise<void> {
    return this.guard('write', runId, () =>
      this.writes.write(runId, this.remembered.get(runId), (batch, keys) => {
        this.refreshedAt.delete(runId);
        planFinishRun(batch, this.context(Date.now()), keys, record, events);
      }),
    );
  }

  getRun(runId: string): Promise<StoredRun | null> {
    return this.guard('read', runId, async () => {
      const keys = await this.findKeys(runId);
      if (keys === null) return null;
      const [record, payload, steps, outputs] = await this.driver.read((batch) => {
        batch.get(keys.record);
        batch.get(keys.payload);
        batch.hgetall(keys.steps);
        batch.hgetall(keys.outputs);
      }, true);
      const recordText = asOptionalString(record);
      if (recordText === null) return null;
      const outputValues: Record<string, unknown> = {};
      for (const [name, json] of asHash(outputs)) outputValues[name] = parseStored(json, 'output');
      const payloadText = asOptionalString(payload);
      return {
        record: toRecord(recordText, steps),
        payload: payloadText === null ? null : parseStored(payloadText, 'payload'),
        outputs: outputValues,
      };
    });
  }

  getEvents(runId: string, afterSequence = 0): Promise<WorkflowEvent[]> {
    return this.guard('read', runId, async () => {
      const keys = await this.findKeys(runId);
      if (keys === null) return [];
      const [reply] = await this.driver.read(
        (batch) => batch.zrangeByScore(keys.events, `(${afterSequence}`, '+inf'),
        false,
      );
      return asStrings(reply).map((json) => parseStored<WorkflowEvent>(json, 'event'));
    });
  }

  listRuns(filter: RunFilter): Promise<RunRecord[]> {
    return this.guard('list', undefined, async () => {
      if (!(filter.limit >= 1)) return [];
      await this.prune(Date.now());
      const index = this.indexFor(filter);
      const pageSize = Math.min(Math.max(filter.limit, 20), MAX_LIST_PAGE);
      let max: LexBound = filter.before === undefined ? '+' : `(${filter.before}`;
      const found: RunRecord[] = [];
      for (;;) {
        const [reply] = await this.driver.read(
          (batch) => batch.zrevRangeByLex(index, max, '-', pageSize),
          false,
        );
        const ids = asStrings(reply);
        for (const record of await this.loadRecords(ids)) {
          if (record === null || !matches(record, filter)) continue;
          found.push(record);
          if (found.length >= filter.limit) return found;
        }
        const last = ids[ids.length - 1];
        if (ids.length < pageSize || last === undefined) return found;
        max = `(${last}`;
      }
    });
  }

  /** Releases the driver's connections; later calls reject. Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.remembered.clear();
    this.refreshedAt.clear();
    await this.driver.close();
  }

  /** Starts `work` now (so writes go out in call order) and names the store in any failure. */
  private guard<T>(
    operation: StoreOperation,
    runId: string | undefined,
    work: () => Promise<T>,
  ): Promise<T> {
    if (this.closed) {
      return Promise.reject(storeFailure(this.kind, operation, runId, CLOSED_REASON));
    }
    let pending: Promise<T>;
    try {
      pending = work();
    } catch (error) {
      pending = Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    return pending.catch((error: unknown) => {
      if (error instanceof StorageError) throw error;
      throw storeFailure(this.kind, operation, runId, this.driver.describe(error), error);
    });
  }

  /**
   * Refreshing every TTL and index costs about 17 commands; a running run needs it only often
   * enough that its keys cannot expire between two refreshes: every tenth of the TTL.
   */
  private isRefreshDue(runId: string, now: number): boolean {
    const last = this.refreshedAt.get(runId);
    return last === undefined || now - last >= (this.ttlSeconds * 1000) / 10;
  }

  private markRefreshed(runId: string, now: number): void {
    this.refreshedAt.delete(runId);
    this.refreshedAt.set(runId, now);
    if (this.refreshedAt.size > MAX_REMEMBERED_RUNS) {
      const oldest = this.refreshedAt.keys().next();
      if (oldest.done !== true) this.refreshedAt.delete(oldest.value);
    }
  }

  private context(now: number): WriteContext {
    return { layout: this.layout, ttlSeconds: this.ttlSeconds, now };
  }

  private remember(keys: RunKeys): void {
    this.remembered.delete(keys.runId);
    this.remembered.set(keys.runId, keys);
    if (this.remembered.size > MAX_REMEMBERED_RUNS) {
      const oldest = this.remembered.keys().next();
      if (oldest.done !== true) this.remembered.delete(oldest.value);
    }
  }

  /** The run's keys: remembered, or read from its lookup key; null when the run is unknown. */
  private async findKeys(runId: string): Promise<RunKeys | null> {
    const known = this.remembered.get(runId);
    if (known !== undefined) return known;
    const [reply] = await this.driver.read((batch) => batch.get(this.layout.lookup(runId)), false);
    const text = asOptionalString(reply);
    if (text === null) return null;
    const location = parseStored<RunLocation>(text, 'run lookup');
    const keys = this.layout.run(runId, location.namespace, location.workflow_id);
    this.remember(keys);
    return keys;
  }

  private async requireKeys(runId: string): Promise<RunKeys> {
    const keys = await this.findKeys(runId);
    if (keys === null) throw storeFailure(this.kind, 'write', runId, UNKNOWN_RUN_REASON);
    return keys;
  }

  /** Drops runs whose expiry has passed from the indexes, so listings never grow stale. */
  private async prune(now: number): Promise<void> {
    this.lastPruneAt = now;
    const [reply] = await this.driver.read(
      (batch) => batch.zrangeByScore(this.layout.expiry, '-inf', now, PRUNE_BATCH),
      false,
    );
    const members = asStrings(reply);
    if (members.length === 0) return;
    let expired: string[] = [];
    await this.driver.write((batch) => {
      expired = planPrune(batch, this.layout, members);
    });
    for (const runId of expired) this.remembered.delete(runId);
  }

  /** The smallest index that covers the filter; the other criteria are checked per record. */
  private indexFor(filter: RunFilter): string {
    if (filter.workflowId !== undefined) return this.layout.workflowIndex(filter.workflowId);
    if (filter.namespace !== undefined) return this.layout.namespaceIndex(filter.namespace);
    if (filter.status !== undefined) return this.layout.statusIndex(filter.status);
    return this.layout.allRuns;
  }

  /** Records of the given runs, in order; null for runs that expired since they were indexed. */
  private async loadRecords(runIds: readonly string[]): Promise<(RunRecord | null)[]> {
    if (runIds.length === 0) return [];
    const missing = runIds.filter((runId) => !this.remembered.has(runId));
    if (missing.length > 0) {
      const replies = await this.driver.read((batch) => {
        for (const runId of missing) batch.get(this.layout.lookup(runId));
      }, false);
      missing.forEach((runId, i) => {
        const text = asOptionalString(replies[i]);
        if (text === null) return;
        const location = parseStored<RunLocation>(text, 'run lookup');
        this.remember(this.layout.run(runId, location.namespace, location.workflow_id));
      });
    }
    const present = runIds
      .map((runId) => this.remembered.get(runId))
      .filter((keys): keys is RunKeys => keys !== undefined);
    if (present.length === 0) return [];
    const replies = await this.driver.read((batch) => {
      for (const keys of present) {
        batch.get(keys.record);
        batch.hgetall(keys.steps);
      }
    }, true);
    return present.map((_, i) => {
      const text = asOptionalString(replies[2 * i]);
      return text === null ? null : toRecord(text, replies[2 * i + 1]);
    });
  }
}

function toRecord(recordText: string, stepsReply: unknown): RunRecord {
  const head = parseStored<RecordHead>(recordText, 'record');
  const entries = [...asHash(stepsReply)]
    .map(([index, json]) => [Number(index), json] as const)
    .sort((a, b) => a[0] - b[0]);
  const steps = entries.map(([, json]) => parseStored<StepHistoryEntry>(json, 'step'));
  return joinRecord(head, steps);
}

function matches(record: RunRecord, filter: RunFilter): boolean {
  return (
    (filter.workflowId === undefined || record.workflow_id === filter.workflowId) &&
    (filter.namespace === undefined || record.namespace === filter.namespace) &&
    (filter.status === undefined || record.status === filter.status)
  );
}
