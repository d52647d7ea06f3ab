/**
 * The systems a case is run on: the floor, the engine in-process, and the engine behind its HTTP
 * API with the memory or the Redis store. Each `run` resolves once the workflow ended and hands
 * back a check, called after the clock stopped, that throws when the result is wrong.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { Agent, request } from 'undici';
import { UndiciStepExecutor } from '../src/adapters/executor/http/index.js';
import { buildServer } from '../src/adapters/http-api/index.js';
import { buildApp, type App } from '../src/app/build-app.js';
import { executeWorkflow } from '../src/app/execute-workflow.js';
import { loadConfig } from '../src/config/index.js';
import { Floor } from './floor.js';
import { buildPayload, checkResult, type Shape } from './shapes.js';

/** Names of the systems, in table order. */
export type SystemName = 'floor' | 'engine' | 'api-memory' | 'api-redis';
export const SYSTEM_NAMES: readonly SystemName[] = ['floor', 'engine', 'api-memory', 'api-redis'];

/** One way of running a shape. */
export interface BenchSystem {
  readonly name: SystemName;
  /** Runs `shape` once; the returned function throws when the run's result is wrong. */
  run(shape: Shape): Promise<() => void>;
  close(): Promise<void>;
}

/** The Redis the `api-redis` system uses. */
export const BENCH_REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

const passes = (): void => undefined;

/** The floor of {@link Floor}, under the system interface. */
export function floorSystem(origin: string): BenchSystem {
  const floor = new Floor();
  return {
    name: 'floor',
    run: async (shape) => {
      await floor.run(shape, origin);
      return passes;
    },
    close: () => floor.close(),
  };
}

/** `executeWorkflow` with one executor shared by every run, as the service shares its own. */
export function engineSystem(origin: string): BenchSystem {
  const executor = new UndiciStepExecutor();
  const payloads = payloadCache(origin);
  return {
    name: 'engine',
    run: async (shape) => {
      const result = await executeWorkflow(payloads(shape), { executor, secrets: {} });
      return () => assertRight(shape, result);
    },
    close: () => executor.close(),
  };
}

/** A running service: application, listening server and its base URL. */
export interface ApiService {
  readonly app: App;
  readonly server: FastifyInstance;
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** Closes the server, then the application; deletes the Redis keys it wrote. */
  close(): Promise<void>;
}

/**
 * Builds the service as `serve` does (`buildApp` + `buildServer`), quiet below warnings, on
 * 127.0.0.1 and a free port. The Redis store writes under a prefix of its own.
 */
export async function startApiService(store: 'memory' | 'redis'): Promise<ApiService> {
  const keyPrefix = `wfe-bench:${randomBytes(6).toString('hex')}`;
  const config = loadConfig({
    env: {
      WFE_LOG_LEVEL: 'warn',
      WFE_LOG_PRETTY: 'false',
      WFE_STORE: store,
      REDIS_URL: BENCH_REDIS_URL,
      WFE_STORE_KEY_PREFIX: keyPrefix,
      WFE_STORE_TTL_SECONDS: '900',
      WFE_MAX_CONCURRENT_RUNS: '1000',
    },
    isTty: false,
  });
  const app = await buildApp(config);
  const server = await buildServer(app, config);
  const address = await server.listen({ host: '127.0.0.1', port: 0 });
  return {
    app,
    server,
    url: address,
    close: async () => {
      await server.close();
      await app.close();
      if (store === 'redis') await deleteKeysUnder(keyPrefix);
    },
  };
}

/** `POST /api/execute` with the shape's payload; the result is parsed after the clock stops. */
export async function apiSystem(store: 'memory' | 'redis', origin: string): Promise<BenchSystem> {
  const service = await startApiService(store);
  const client = new Agent({ connections: 4, keepAliveTimeout: 60_000 });
  const bodies = new WeakMap<Shape, string>();
  const payloads = payloadCache(origin);
  const endpoint = `${service.url}/api/execute`;
  return {
    name: store === 'memory' ? 'api-memory' : 'api-redis',
    run: async (shape) => {
      let body = bodies.get(shape);
      if (body === undefined) {
        body = JSON.stringify(payloads(shape));
        bodies.set(shape, body);
      }
      const response = await request(endpoint, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json' },
        dispatcher: client,
      });
      const text = await response.body.text();
      return () => {
        if (response.statusCode !== 200)
          throw new Error(`HTTP ${response.statusCode}: ${text.slice(0, 300)}`);
        assertRight(shape, JSON.parse(text));
      };
    },
    close: async () => {
      await client.close();
      await service.close();
    },
  };
}

/** True when Redis answers PING within a second. */
export async function redisAnswers(url = BENCH_REDIS_URL): Promise<boolean> {
  const client = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    connectTimeout: 1_000,
    retryStrategy: () => null,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

/** Deletes every key under `prefix:` (SCAN, so Redis is never blocked); returns the count. */
export async function deleteKeysUnder(prefix: string, url = BENCH_REDIS_URL): Promise<number> {
  const client = new Redis(url, { maxRetriesPerRequest: 1 });
  let deleted = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length > 0) deleted += await client.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    client.disconnect();
  }
  return deleted;
}

function payloadCache(origin: string): (shape: Shape) => Record<string, unknown> {
  const cache = new WeakMap<Shape, Record<string, unknown>>();
  return (shape) => {
    let payload = cache.get(shape);
    if (payload === undefined) {
      payload = buildPayload(shape, origin);
      cache.set(shape, payload);
    }
    return payload;
  };
}

function assertRight(shape: Shape, result: unknown): void {
  const problem = checkResult(shape, result);
  if (problem !== null) throw new Error(`${shape.label}: ${problem}`);
}
