import type { KeyValueDriver, WriteBatch } from './driver.js';
import type { RunKeys } from './key-layout.js';

/**
 * Queues one operation's commands into a transaction, given the run's keys. `isLast` is true for
 * the last operation of the transaction: refreshing every TTL and index once, there, is enough.
 */
export type WritePlan = (batch: WriteBatch, keys: RunKeys, isLast: boolean) => void;

/** Most operations of one run sent together in one transaction. */
const MAX_PLANS_PER_TRANSACTION = 64;

interface PendingWrite {
  plan: WritePlan;
  resolve: () => void;
  reject: (error: unknown) => void;
}

interface RunQueue {
  pending: PendingWrite[];
  busy: boolean;
}

/**
 * Applies the writes of each run in call order; the engine issues a run's transitions without
 * waiting for each other and relies on that order. A run's writes wait for the one in flight and
 * those queued meanwhile are sent together as one transaction: a burst of transitions costs one
 * round trip, not one each (over REST this is also what keeps them in order).
 */
export class RunWriteQueue {
  private readonly queues = new Map<string, RunQueue>();

  constructor(
    private readonly driver: KeyValueDriver,
    /** The run's keys, looked up when not known yet; rejects for an unknown run. */
    private readonly resolveKeys: (runId: string) => Promise<RunKeys>,
  ) {}

  /** Sends (or queues) one operation of `runId`; `keys` when already known. */
  write(runId: string, keys: RunKeys | undefined, plan: WritePlan): Promise<void> {
    let queue = this.queues.get(runId);
    if (queue === undefined) {
      queue = { pending: [], busy: false };
      this.queues.set(runId, queue);
    }
    const target = queue;
    return new Promise<void>((resolve, reject) => {
      target.pending.push({ plan, resolve, reject });
      if (!target.busy) void this.drain(runId, target, keys);
    });
  }

  /** Sends the queued writes of one run, oldest first, until none are left. */
  private async drain(runId: string, queue: RunQueue, known: RunKeys | undefined): Promise<void> {
    queue.busy = true;
    let keys = known;
    while (queue.pending.length > 0) {
      const writes = queue.pending.splice(0, MAX_PLANS_PER_TRANSACTION);
      try {
        keys ??= await this.resolveKeys(runId);
        const runKeys = keys;
        await this.driver.write((batch) => {
          writes.forEach((write, index) => write.plan(batch, runKeys, index === writes.length - 1));
        });
        for (const write of writes) write.resolve();
      } catch (error) {
        for (const write of writes) write.reject(error);
      }
    }
    queue.busy = false;
    this.queues.delete(runId);
  }
}
