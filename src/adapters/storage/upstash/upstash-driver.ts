import type { Pipeline, Redis } from '@upstash/redis';
import { messageOf } from '../common/index.js';
import type {
  KeyValueDriver,
  LexBound,
  ReadBatch,
  ScoreBound,
  WriteBatch,
} from '../key-value/index.js';

/**
 * Runs the store's commands over Upstash's REST protocol: writes as one `/multi-exec` request,
 * atomic reads likewise, other reads as one `/pipeline` request.
 */
export class UpstashDriver implements KeyValueDriver {
  readonly kind = 'upstash';

  constructor(
    private readonly client: Redis,
    private readonly requestTimeoutMs: number,
  ) {}

  async write(fill: (batch: WriteBatch) => void): Promise<void> {
    const transaction = this.client.multi();
    fill(new UpstashWriteBatch(transaction));
    // A failed command makes exec() reject, naming the command and Redis' error.
    await transaction.exec();
  }

  async read(fill: (batch: ReadBatch) => void, atomic: boolean): Promise<unknown[]> {
    const batch = atomic ? this.client.multi() : this.client.pipeline();
    fill(new UpstashReadBatch(batch));
    const replies: unknown[] = await batch.exec();
    return replies;
  }

  async ping(): Promise<void> {
    await this.client.ping();
  }

  describe(error: unknown): string {
    const chain = causeChain(error);
    if (chain.some((item) => item.name === 'TimeoutError' || item.name === 'AbortError')) {
      return `no reply within ${this.requestTimeoutMs} ms`;
    }
    const deepest = chain[chain.length - 1];
    const message = deepest === undefined ? messageOf(error) : messageOf(deepest);
    // The client appends the whole command to HTTP errors; values do not belong in messages.
    return message.replace(/, command was: [\s\S]*$/, '');
  }

  close(): Promise<void> {
    // Requests are plain fetch calls: nothing stays open.
    return Promise.resolve();
  }
}

/** The error and its causes, outermost first (`fetch failed` → `connect ECONNREFUSED ...`). */
function causeChain(error: unknown): Error[] {
  const chain: Error[] = [];
  let current: unknown = error;
  while (current instanceof Error && chain.length < 10) {
    chain.push(current);
    if (current instanceof AggregateError && current.errors.length > 0) {
      current = current.errors[0];
    } else {
      current = current.cause;
    }
  }
  return chain;
}

class UpstashWriteBatch implements WriteBatch {
  constructor(private readonly commands: Pipeline) {}

  set(key: string, value: string, ttlSeconds: number): void {
    this.commands.set(key, value, { ex: ttlSeconds });
  }

  hset(key: string, fields: Record<string, string>): void {
    this.commands.hset(key, fields);
  }

  zadd(key: string, score: number, member: string): void {
    this.commands.zadd(key, { score, member });
  }

  zrem(key: string, members: string[]): void {
    this.commands.zrem(key, ...members);
  }

  expire(key: string, ttlSeconds: number): void {
    this.commands.expire(key, ttlSeconds);
  }
}

class UpstashReadBatch implements ReadBatch {
  constructor(private readonly commands: Pipeline) {}

  get(key: string): void {
    this.commands.get(key);
  }

  hgetall(key: string): void {
    this.commands.hgetall(key);
  }

  zrangeByScore(key: string, min: ScoreBound, max: ScoreBound, count?: number): void {
    if (count === undefined) this.commands.zrange(key, min, max, { byScore: true });
    else this.commands.zrange(key, min, max, { byScore: true, offset: 0, count });
  }

  zrevRangeByLex(key: string, max: LexBound, min: LexBound, count: number): void {
    // ZRANGE ... BYLEX REV takes the upper bound first.
    this.commands.zrange(key, max, min, { byLex: true, rev: true, offset: 0, count });
  }
}
