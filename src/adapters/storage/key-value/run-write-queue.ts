import type { KeyValueDriver, WriteBatch } from './driver.js';
import type { RunKeys } from './key-layout.js';

/** Queues one operation's commands into a transaction, given the run's keys. */
export type WritePlan = (batch: WriteBatch, keys: RunKeys) => void;

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
 * waiting for each other and relies on that order. Over one TCP connection (ioredis) order holds
 * by itself, so a write whose keys are known goes out at once. Over REST, requests may overtake
 * each other, so a run's writes wait for the one in flight and those queued meanwhile are sent
 * together as one transaction: a burst of transitions costs one round trip, not one each.
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
    if (queue === undefined && keys !== undefined && this.driver.ordered) {
      return this.driver.write((batch) => plan(batch, keys));
    }
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
          for (const write of writes) write.plan(batch, runKeys);
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
