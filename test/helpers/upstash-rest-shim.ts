/**
 * Stands in for Upstash's REST endpoint in front of the real local Redis, so the `upstash` store
 * is tested through the real @upstash/redis client without leaving the machine. It is not
 * Upstash: it implements only the documented REST protocol the client speaks, and forwards each
 * command unchanged to Redis through ioredis:
 *
 * - `POST /` with a JSON array `["SET","key","value",...]` → `{ "result": ... }`, or HTTP 400
 *   `{ "error": "..." }` when Redis answers with an error;
 * - `POST /pipeline` and `POST /multi-exec` with an array of such arrays → an array of
 *   `{ "result": ... }` / `{ "error": ... }`, the latter inside MULTI/EXEC;
 * - `Authorization: Bearer <token>` required, else HTTP 401 `{ "error": "Unauthorized" }`;
 * - with `Upstash-Encoding: base64` (the client's default) every string in a result except `OK`
 *   is base64-encoded, as the client expects; hashes come back as flat field/value arrays.
 *
 * Listens on 127.0.0.1 only (port 0 unless a port is given, to restart on the same one). With
 * `jitterMs`, each request waits a random 0..jitterMs before reaching Redis, so requests sent
 * close together may be applied out of order, as over a real network.
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Redis } from 'ioredis';

/** A running shim. */
export interface UpstashRestShim {
  /** `http://127.0.0.1:<port>`: the store's `url`. */
  url: string;
  /** The token the shim accepts: the store's `token`. */
  token: string;
  port: number;
  /** Path of every authorised request, in arrival order (`/`, `/pipeline`, `/multi-exec`). */
  requests: string[];
  /** Stops listening, drops open connections and closes the Redis connection. */
  close(): Promise<void>;
}

/** Options of {@link startUpstashRestShim}. */
export interface UpstashRestShimOptions {
  redisUrl: string;
  /** @defaultValue a random token */
  token?: string;
  /** @defaultValue 0 (any free port) */
  port?: number;
  /** Longest random delay before a request reaches Redis, in ms. @defaultValue 0 */
  jitterMs?: number;
}

type Command = [string, ...string[]];
type Reply = { result: unknown } | { error: string };

/** Starts the shim and resolves once it listens. */
export async function startUpstashRestShim(
  options: UpstashRestShimOptions,
): Promise<UpstashRestShim> {
  const token = options.token ?? randomBytes(12).toString('hex');
  const redis = new Redis(options.redisUrl, { maxRetriesPerRequest: 1 });
  const requests: string[] = [];

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    if (request.method !== 'POST') return send(response, 405, { error: 'only POST is supported' });
    if (request.headers.authorization !== `Bearer ${token}`) {
      return send(response, 401, { error: 'Unauthorized' });
    }
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    requests.push(path);
    const base64 = String(request.headers['upstash-encoding']).toLowerCase() === 'base64';
    let body: unknown;
    try {
      body = JSON.parse(await readBody(request));
    } catch {
      return send(response, 400, { error: 'ERR body is not JSON' });
    }
    const jitterMs = options.jitterMs ?? 0;
    if (jitterMs > 0) {
      await new Promise((resolve) => setTimeout(resolve, Math.random() * jitterMs));
    }
    if (path === '/') {
      const command = toCommand(body);
      if (command === null) return send(response, 400, { error: 'ERR expected a command array' });
      try {
        const result: unknown = await redis.call(...command);
        return send(response, 200, { result: encode(result, base64) });
      } catch (error) {
        return send(response, 400, { error: errorText(error) });
      }
    }
    if (path === '/pipeline' || path === '/multi-exec') {
      const commands = Array.isArray(body) ? body.map(toCommand) : null;
      if (commands === null || commands.length === 0 || commands.some((c) => c === null)) {
        return send(response, 400, { error: 'ERR expected an array of command arrays' });
      }
      const batch = path === '/pipeline' ? redis.pipeline() : redis.multi();
      for (const command of commands as Command[]) batch.call(...command);
      try {
        const replies = (await batch.exec()) ?? [];
        return send(
          response,
          200,
          replies.map(([error, result]): Reply =>
            error === null ? { result: encode(result, base64) } : { error: errorText(error) },
          ),
        );
      } catch (error) {
        return send(response, 400, { error: errorText(error) });
      }
    }
    return send(response, 404, { error: `ERR unknown path ${path}` });
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) send(response, 500, { error: errorText(error) });
      else response.destroy();
    });
  });
  server.listen(options.port ?? 0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('shim has no TCP address');

  return {
    url: `http://127.0.0.1:${address.port}`,
    token,
    port: address.port,
    requests,
    async close() {
      const closed = once(server, 'close');
      server.close();
      server.closeAllConnections();
      await closed;
      await redis.quit();
    },
  };
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** A command as the client sends it: strings, numbers and booleans; Redis receives text. */
function toCommand(value: unknown): Command | null {
  if (!Array.isArray(value) || value.length === 0) return null;
  const parts = value.map((part: unknown) => {
    if (typeof part === 'string') return part;
    if (typeof part === 'number' || typeof part === 'boolean') return String(part);
    return JSON.stringify(part) ?? '';
  });
  const [name, ...args] = parts;
  return name === undefined ? null : [name, ...args];
}

/** Redis' reply in the REST protocol's JSON shape. */
function encode(value: unknown, base64: boolean): unknown {
  if (typeof value === 'string') {
    return base64 && value !== 'OK' ? Buffer.from(value, 'utf8').toString('base64') : value;
  }
  if (Array.isArray(value)) return value.map((item) => encode(item, base64));
  if (value !== null && typeof value === 'object') {
    // ioredis turns HGETALL into an object; the protocol keeps Redis' flat field/value array.
    return Object.entries(value).flatMap(([field, item]) => [
      encode(field, base64),
      encode(item, base64),
    ]);
  }
  return value ?? null;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
