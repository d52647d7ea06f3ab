import type { ChainableCommander, Redis } from 'ioredis';
import { messageOf } from '../common/index.js';
import type {
  KeyValueDriver,
  LexBound,
  ReadBatch,
  ScoreBound,
  WriteBatch,
} from '../key-value/index.js';

/** Runs the store's commands over one ioredis connection. */
export class IoredisDriver implements KeyValueDriver {
  readonly kind = 'redis';
  /** Why the connection is down, while it is: the words a failed command reports. */
  private lastConnectionError: Error | null = null;
  private readonly onError = (error: Error): void => {
    this.lastConnectionError = error;
  };
  private readonly onReady = (): void => {
    this.lastConnectionError = null;
  };

  constructor(
    private readonly client: Redis,
    /** The driver created the client, so close() ends it. */
    private readonly ownsClient: boolean,
    private readonly commandTimeoutMs: number,
  ) {
    // The listener also keeps ioredis from printing every failed reconnection attempt.
    client.on('error', this.onError);
    client.on('ready', this.onReady);
  }

  async write(fill: (batch: WriteBatch) => void): Promise<void> {
    const transaction = this.client.multi();
    fill(new IoredisWriteBatch(transaction));
    checkReplies(await transaction.exec());
  }

  async read(fill: (batch: ReadBatch) => void, atomic: boolean): Promise<unknown[]> {
    const batch = atomic ? this.client.multi() : this.client.pipeline();
    fill(new IoredisReadBatch(batch));
    return checkReplies(await batch.exec());
  }

  async ping(): Promise<void> {
    await this.client.ping();
  }

  describe(error: unknown): string {
    if (this.client.status !== 'ready' && this.lastConnectionError !== null) {
      return this.lastConnectionError.message;
    }
    if (error instanceof Error && error.name === 'MaxRetriesPerRequestError') {
      return 'connection lost and not re-established';
    }
    const message = messageOf(error);
    return message === 'Command timed out'
      ? `no reply within ${this.commandTimeoutMs} ms`
      : message;
  }

  async close(): Promise<void> {
    try {
      if (!this.ownsClient) return;
      if (this.client.status === 'ready') {
        try {
          await this.client.quit();
          return;
        } catch {
          // QUIT failed because the connection dropped meanwhile; disconnect() below ends it.
        }
      }
      this.client.disconnect();
    } finally {
      this.client.off('error', this.onError);
      this.client.off('ready', this.onReady);
    }
  }
}

/** Replies of a pipeline or transaction; the first command error rejects the whole call. */
function checkReplies(replies: [Error | null, unknown][] | null): unknown[] {
  if (replies === null) throw new Error('transaction was discarded');
  const results: unknown[] = [];
  for (const [error, result] of replies) {
    if (error !== null) throw error;
    results.push(result);
  }
  return results;
}

class IoredisWriteBatch implements WriteBatch {
  constructor(private readonly commands: ChainableCommander) {}

  set(key: string, value: string, ttlSeconds: number): void {
    this.commands.set(key, value, 'EX', ttlSeconds);
  }

  hset(key: string, fields: Record<string, string>): void {
    this.commands.hset(key, fields);
  }

  zadd(key: string, score: number, member: string): void {
    this.commands.zadd(key, score, member);
  }

  zrem(key: string, members: string[]): void {
    this.commands.zrem(key, ...members);
  }

  expire(key: string, ttlSeconds: number): void {
    this.commands.expire(key, ttlSeconds);
  }
}

class IoredisReadBatch implements ReadBatch {
  constructor(private readonly commands: ChainableCommander) {}

  get(key: string): void {
    this.commands.get(key);
  }

  hgetall(key: string): void {
    this.commands.hgetall(key);
  }

  zrangeByScore(key: string, min: ScoreBound, max: ScoreBound, count?: number): void {
    if (count === undefined) this.commands.zrangebyscore(key, min, max);
    else this.commands.zrangebyscore(key, min, max, 'LIMIT', 0, count);
  }

  zrevRangeByLex(key: string, max: LexBound, min: LexBound, count: number): void {
    this.commands.zrevrangebylex(key, max, min, 'LIMIT', 0, count);
  }
}
