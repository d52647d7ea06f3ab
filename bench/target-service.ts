/**
 * The loopback service every benchmarked request goes to. `POST /step?delay=<ms>` reads a JSON
 * body `{ "step": "s<i>", "after": ["s<j>", ...] }`, waits `delay` ms when asked, and answers
 * `{ "echo": "s<i>" }`. A body of another shape gets 400, so a system that sends wrong bodies
 * fails its run instead of looking fast. Connections are kept alive.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A running target service. */
export interface TargetService {
  /** `http://127.0.0.1:<port>`. */
  readonly origin: string;
  close(): Promise<void>;
}

/** Keeps idle client connections far longer than any benchmark pause. */
const SERVER_KEEP_ALIVE_MS = 60_000;

/** Starts the service on 127.0.0.1 and a free port. */
export async function startTargetService(): Promise<TargetService> {
  const server = createServer({ keepAliveTimeout: SERVER_KEEP_ALIVE_MS }, handle);
  server.headersTimeout = SERVER_KEEP_ALIVE_MS + 1_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function handle(request: IncomingMessage, response: ServerResponse): void {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const url = request.url ?? '';
    const echo = request.method === 'POST' ? stepOf(Buffer.concat(chunks).toString('utf8')) : null;
    if (!url.startsWith('/step') || echo === null) {
      send(
        response,
        400,
        '{"error":"expected POST /step with {\\"step\\":\\"s<i>\\",\\"after\\":[...]}"}',
      );
      return;
    }
    const body = `{"echo":${JSON.stringify(echo)}}`;
    const delayMs = delayOf(url);
    if (delayMs > 0) setTimeout(() => send(response, 200, body), delayMs);
    else send(response, 200, body);
  });
}

/** The `step` of a well-formed body, else null. */
function stepOf(text: string): string | null {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return null;
  }
  if (body === null || typeof body !== 'object') return null;
  const { step, after } = body as { step?: unknown; after?: unknown };
  if (typeof step !== 'string' || !step.startsWith('s') || !Array.isArray(after)) return null;
  for (const item of after) if (typeof item !== 'string' || !item.startsWith('s')) return null;
  return step;
}

function delayOf(url: string): number {
  const at = url.indexOf('delay=');
  if (at < 0) return 0;
  const value = Number.parseInt(url.slice(at + 6), 10);
  return Number.isFinite(value) && value > 0 ? value : 0;
}

function send(response: ServerResponse, status: number, body: string): void {
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
  });
  response.end(body);
}
