/**
 * What each store operation writes, as commands queued into one transaction (docs/storage.md,
 * "What is written when"). Every command is idempotent (SET, HSET, ZADD, ZREM, EXPIRE), so a
 * transaction retried after an ambiguous failure leaves the same state.
 */
import type { RunRecord, RunStatus, WorkflowEvent } from '../../../core/run/types.js';
import type { NewRun, StepTransition } from '../../../ports/run-store.js';
import { splitRecord } from '../common/index.js';
import type { WriteBatch } from './driver.js';
import { RUN_STATUSES, type KeyLayout, type RunKeys, type RunLocation } from './key-layout.js';

/** Per-write settings. */
export interface WriteContext {
  layout: KeyLayout;
  ttlSeconds: number;
  /** Epoch ms of the write. */
  now: number;
}

/** createRun: record, payload, steps, first events, lookup and every index. */
export function planCreateRun(
  batch: WriteBatch,
  ctx: WriteContext,
  keys: RunKeys,
  run: NewRun,
): void {
  const { head, steps } = splitRecord(run.record);
  batch.set(keys.record, JSON.stringify(head), ctx.ttlSeconds);
  batch.set(keys.payload, JSON.stringify(run.payload) ?? 'null', ctx.ttlSeconds);
  const location: RunLocation = { namespace: keys.namespace, workflow_id: keys.workflowId };
  batch.set(keys.lookup, JSON.stringify(location), ctx.ttlSeconds);
  if (steps.length > 0) {
    const fields: Record<string, string> = {};
    for (let index = 0; index < steps.length; index += 1) {
      fields[index] = JSON.stringify(steps[index]);
    }
    batch.hset(keys.steps, fields);
  }
  addEvents(batch, keys, run.events);
  touchRun(batch, ctx, keys, run.record.status);
}

/**
 * recordTransition: the step's entry, its outputs and the events, then every TTL unless a later
 * operation of the same transaction refreshes them.
 */
export function planTransition(
  batch: WriteBatch,
  ctx: WriteContext,
  keys: RunKeys,
  transition: StepTransition,
  refreshExpiry: boolean,
): void {
  batch.hset(keys.steps, { [transition.stepIndex]: JSON.stringify(transition.step) });
  const outputs = transition.outputs;
  if (outputs !== undefined) {
    const fields: Record<string, string> = {};
    let count = 0;
    for (const name of Object.keys(outputs)) {
      fields[name] = JSON.stringify(outputs[name]) ?? 'null';
      count += 1;
    }
    if (count > 0) batch.hset(keys.outputs, fields);
  }
  addEvents(batch, keys, transition.events);
  if (refreshExpiry) touchRun(batch, ctx, keys, 'running');
}

/** finishRun: the final record and steps, the last events, and the run's status index. */
export function planFinishRun(
  batch: WriteBatch,
  ctx: WriteContext,
  keys: RunKeys,
  record: RunRecord,
  events: readonly WorkflowEvent[],
): void {
  const { head, steps } = splitRecord(record);
  batch.set(keys.record, JSON.stringify(head), ctx.ttlSeconds);
  if (steps.length > 0) {
    const fields: Record<string, string> = {};
    for (let index = 0; index < steps.length; index += 1) {
      fields[index] = JSON.stringify(steps[index]);
    }
    batch.hset(keys.steps, fields);
  }
  addEvents(batch, keys, events);
  for (const status of RUN_STATUSES) {
    if (status !== record.status) batch.zrem(ctx.layout.statusIndex(status), [keys.runId]);
  }
  touchRun(batch, ctx, keys, record.status);
}

/**
 * Removes expired runs from every index. `members` are expiry-index members
 * (`[run_id, namespace, workflow_id]` as JSON) whose expiry has passed. Returns their run ids.
 */
export function planPrune(
  batch: WriteBatch,
  layout: KeyLayout,
  members: readonly string[],
): string[] {
  const byIndex = new Map<string, string[]>();
  const add = (key: string, runId: string): void => {
    const ids = byIndex.get(key);
    if (ids === undefined) byIndex.set(key, [runId]);
    else ids.push(runId);
  };
  const runIds: string[] = [];
  for (const member of members) {
    const location = parseExpiryMember(member);
    if (location === null) continue;
    runIds.push(location.runId);
    add(layout.namespaceIndex(location.namespace), location.runId);
    add(layout.workflowIndex(location.workflowId), location.runId);
  }
  if (runIds.length > 0) {
    batch.zrem(layout.allRuns, runIds);
    for (const status of RUN_STATUSES) batch.zrem(layout.statusIndex(status), runIds);
    for (const [key, ids] of byIndex) batch.zrem(key, ids);
  }
  batch.zrem(layout.expiry, [...members]);
  return runIds;
}

/** A member written by another program is dropped from the expiry index without further ado. */
function parseExpiryMember(
  member: string,
): { runId: string; namespace: string; workflowId: string } | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(member);
  } catch {
    return null;
  }
  if (!Array.isArray(parsed) || parsed.length !== 3) return null;
  const [runId, namespace, workflowId] = parsed as [unknown, unknown, unknown];
  if (typeof runId !== 'string' || typeof namespace !== 'string') return null;
  if (typeof workflowId !== 'string') return null;
  return { runId, namespace, workflowId };
}

/** Events go into a sorted set scored by `sequence`: replay after n is one range query. */
function addEvents(batch: WriteBatch, keys: RunKeys, events: readonly WorkflowEvent[]): void {
  for (const event of events) batch.zadd(keys.events, event.sequence, JSON.stringify(event));
}

/**
 * Gives every key of the run a fresh TTL, (re)adds the run to its indexes with a fresh TTL, and
 * records its new expiry in the expiry index. Re-adding on every write means a run removed from
 * the indexes too early (writers' clocks disagree) is listed again at its next write. EXPIRE on a
 * key that does not exist yet is a no-op.
 */
function touchRun(batch: WriteBatch, ctx: WriteContext, keys: RunKeys, status: RunStatus): void {
  const ttl = ctx.ttlSeconds;
  batch.expire(keys.record, ttl);
  batch.expire(keys.payload, ttl);
  batch.expire(keys.lookup, ttl);
  batch.expire(keys.steps, ttl);
  batch.expire(keys.outputs, ttl);
  batch.expire(keys.events, ttl);
  const statusIndex = ctx.layout.statusIndex(status);
  for (const index of [ctx.layout.allRuns, keys.namespaceIndex, keys.workflowIndex, statusIndex]) {
    batch.zadd(index, 0, keys.runId);
    batch.expire(index, ttl);
  }
  batch.zadd(ctx.layout.expiry, ctx.now + ttl * 1000, keys.expiryMember);
  batch.expire(ctx.layout.expiry, ttl);
}
