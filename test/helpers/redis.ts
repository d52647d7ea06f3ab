/**
 * Redis for tests: the shared local Redis (`REDIS_URL`, default redis://127.0.0.1:6379), unique
 * key prefixes and their cleanup, private `redis-server` processes, and polling with a deadline.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { Redis } from 'ioredis';

/** The Redis every Redis-backed test uses. */
export const TEST_REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A key prefix no other test uses: `wfe-test:<label>:<random>`. */
export function uniquePrefix(label: string): string {
  return `wfe-test:${label}:${randomBytes(6).toString('hex')}`;
}

/** A client for test setup and inspection; `maxRetriesPerRequest: 1` so a missing Redis fails fast. */
export function adminClient(url = TEST_REDIS_URL): Redis {
  return new Redis(url, { maxRetriesPerRequest: 1 });
}

/** Deletes every key under `prefix:`; returns how many were deleted. */
export async function deleteKeysUnder(client: Redis, prefix: string): Promise<number> {
  const keys = await keysUnder(client, prefix);
  if (keys.length > 0) await client.del(...keys);
  return keys.length;
}

/** Every key under `prefix:` (SCAN, so the shared Redis is never blocked). */
export async function keysUnder(client: Redis, prefix: string): Promise<string[]> {
  const pattern = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}:*`;
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    keys.push(...batch);
    cursor = next;
  } while (cursor !== '0');
  return keys;
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return address.port;
}

/** A private `redis-server` child process. */
export interface RedisServerProcess {
  port: number;
  url: string;
  /** Freezes the server (SIGSTOP): connections stay open but nothing is answered. */
  pause(): void;
  /** Lets a paused server go on (SIGCONT). */
  resume(): void;
  /** Stops the server and waits for the process to exit. */
  stop(): Promise<void>;
}

/**
 * Starts `redis-server` on 127.0.0.1:`port` without persistence and resolves once it accepts
 * connections (rejects after `timeoutMs`, or if it exits first, with its output).
 */
export async function startRedisServer(
  port: number,
  timeoutMs = 5_000,
  /** A folder for an append-only file, so that data survives a restart; none by default. */
  dataDir?: string,
): Promise<RedisServerProcess> {
  const persistence =
    dataDir === undefined
      ? ['--appendonly', 'no']
      : ['--appendonly', 'yes', '--appendfsync', 'always', '--dir', dataDir];
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', ...persistence],
    { cwd: tmpdir(), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`redis-server on port ${port} not ready after ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server on port ${port} exited with ${String(code)}:\n${output}`));
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
  await ready;
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    pause() {
      child.kill('SIGSTOP');
    },
    resume() {
      child.kill('SIGCONT');
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      // SIGCONT first: a paused server would not act on SIGTERM.
      child.kill('SIGCONT');
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * Calls `probe` every `intervalMs` until it returns something other than undefined, null or
 * false, and returns that; throws naming `what` after `timeoutMs`.
 */
export async function pollUntil<T>(
  what: string,
  probe: () => Promise<T | undefined | null | false>,
  { timeoutMs = 5_000, intervalMs = 25 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() >= deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
