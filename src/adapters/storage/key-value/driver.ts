/**
 * The few Redis commands the key-value run store needs, so that one store implementation runs
 * over ioredis (TCP) and over Upstash's REST protocol alike.
 */

/** A sorted-set score bound: a number, `(n` for "greater/less than n", or an infinity. */
export type ScoreBound = number | `(${number}` | '-inf' | '+inf';

/** A lexicographic bound: `(x` exclusive, `[x` inclusive, `-`/`+` the ends. */
export type LexBound = `(${string}` | `[${string}` | '-' | '+';

/** Write commands queued into one transaction. */
export interface WriteBatch {
  /** SET key value EX ttlSeconds. */
  set(key: string, value: string, ttlSeconds: number): void;
  /** HSET key field value [field value ...]. */
  hset(key: string, fields: Record<string, string>): void;
  /** ZADD key score member. */
  zadd(key: string, score: number, member: string): void;
  /** ZREM key member [member ...]. */
  zrem(key: string, members: string[]): void;
  /** EXPIRE key ttlSeconds. */
  expire(key: string, ttlSeconds: number): void;
}

/** Read commands queued into one round trip; each adds one reply, in order. */
export interface ReadBatch {
  /** GET key → string or null. */
  get(key: string): void;
  /** HGETALL key → the hash (as an object or a flat field/value array, depending on the client). */
  hgetall(key: string): void;
  /** Members with min <= score <= max, lowest first, at most `count` when given → string[]. */
  zrangeByScore(key: string, min: ScoreBound, max: ScoreBound, count?: number): void;
  /** Members from `max` down to `min` of a set whose scores are all equal → string[]. */
  zrevRangeByLex(key: string, max: LexBound, min: LexBound, count: number): void;
}

/** One Redis-speaking backend. */
export interface KeyValueDriver {
  /** `redis` or `upstash`: the store's name in messages. */
  readonly kind: 'redis' | 'upstash';
  /**
   * Applies every command `fill` queues as one MULTI/EXEC transaction in one round trip;
   * `fill` runs synchronously, before the call returns. Rejects if any command fails.
   */
  write(fill: (batch: WriteBatch) => void): Promise<void>;
  /** Sends the queued reads in one round trip (inside MULTI/EXEC when `atomic`). */
  read(fill: (batch: ReadBatch) => void, atomic: boolean): Promise<unknown[]>;
  /** Resolves when the backend answers. */
  ping(): Promise<void>;
  /** The cause of a failed command in a few words, e.g. `connect ECONNREFUSED 127.0.0.1:6379`. */
  describe(error: unknown): string;
  /** Releases connections the driver opened. */
  close(): Promise<void>;
}
