import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, StepExecutionError } from '../../../core/errors.js';
import type { AttemptOptions, HttpRequest } from '../../../ports/step-executor.js';
import { UndiciStepExecutor } from './undici-step-executor.js';

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

interface ScriptedServer {
  origin: string;
  host: string;
  /** Paths of the requests received, in order. */
  paths: string[];
  /** Connections accepted so far. */
  connections: number;
  close(): Promise<void>;
}

const servers: Server[] = [];

async function startServer(handler: Handler): Promise<ScriptedServer> {
  const server = createServer();
  servers.push(server);
  const state: ScriptedServer = {
    origin: '',
    host: '',
    paths: [],
    connections: 0,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
  server.on('connection', () => {
    state.connections += 1;
  });
  server.on('request', (request, response) => {
    state.paths.push(request.url ?? '');
    handler(request, response);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  state.host = `127.0.0.1:${port}`;
  state.origin = `http://${state.host}`;
  return state;
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

function get(url: string): HttpRequest {
  return { method: 'GET', url, headers: {}, body: null };
}

function limits(overrides: Partial<AttemptOptions> = {}): AttemptOptions {
  return {
    signal: new AbortController().signal,
    timeoutMs: 5_000,
    maxResponseBytes: 1024 * 1024,
    ...overrides,
  };
}

async function failureOf(promise: Promise<unknown>): Promise<StepExecutionError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(StepExecutionError);
    return error as StepExecutionError;
  }
  throw new Error('expected the attempt to fail');
}

let executor: UndiciStepExecutor;

beforeEach(() => {
  executor = new UndiciStepExecutor();
});

afterEach(async () => {
  await executor.close();
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    server.close();
  }
});

describe('UndiciStepExecutor: responses', () => {
  it('returns 5xx and 429 as responses, with lower-case headers and repeated ones joined', async () => {
    const server = await startServer((request, response) => {
      response.statusCode = request.url === '/busy' ? 429 : 503;
      response.setHeader('Retry-After', '2');
      response.setHeader('X-Multi', ['a', 'b']);
      response.end('try later');
    });
    const busy = await executor.execute(get(`${server.origin}/busy`), limits());
    expect(busy.status).toBe(429);
    expect(busy.body).toBe('try later');
    expect(busy.headers['retry-after']).toBe('2');
    expect(busy.headers['x-multi']).toBe('a, b');
    const down = await executor.execute(get(`${server.origin}/down`), limits());
    expect(down.status).toBe(503);
  });

  it('sends method, headers and body as given and decodes a UTF-8 body split over chunks', async () => {
    let seen: { method?: string; header?: string; body: string } = { body: '' };
    const server = await startServer((request, response) => {
      let body = '';
      request.setEncoding('utf8');
      request.on('data', (chunk: string) => (body += chunk));
      request.on('end', () => {
        seen = { method: request.method, header: request.headers['x-token'] as string, body };
        const bytes = Buffer.from('héllo wörld ✓', 'utf8');
        // Split inside a multi-byte character: decoding must happen after joining.
        response.write(bytes.subarray(0, 2));
        response.end(bytes.subarray(2));
      });
    });
    const response = await executor.execute(
      { method: 'PUT', url: `${server.origin}/x`, headers: { 'X-Token': 't1' }, body: '{"a":1}' },
      limits(),
    );
    expect(seen).toEqual({ method: 'PUT', header: 't1', body: '{"a":1}' });
    expect(response.body).toBe('héllo wörld ✓');
  });

  it('sends 20 sequential requests over one keep-alive connection', async () => {
    const single = new UndiciStepExecutor({ connectionsPerOrigin: 1 });
    try {
      const server = await startServer((_request, response) => response.end('ok'));
      for (let i = 0; i < 20; i++) {
        const response = await single.execute(get(`${server.origin}/n/${i}`), limits());
        expect(response.body).toBe('ok');
      }
      expect(server.paths).toHaveLength(20);
      expect(server.connections).toBe(1);
    } finally {
      await single.close();
    }
  });

  it('keeps reusing pooled connections with the default pool size', async () => {
    const server = await startServer((_request, response) => response.end('ok'));
    for (let i = 0; i < 20; i++) await executor.execute(get(`${server.origin}/n/${i}`), limits());
    // undici waits one event-loop turn before reusing a socket, so a request sent the moment
    // the previous one ends may open a second connection; never more.
    expect(server.connections).toBeLessThanOrEqual(2);
  });

  it('accepts a body of exactly maxResponseBytes', async () => {
    const server = await startServer((_request, response) => response.end('x'.repeat(1000)));
    const response = await executor.execute(get(server.origin), limits({ maxResponseBytes: 1000 }));
    expect(response.body).toHaveLength(1000);
  });
});

describe('UndiciStepExecutor: redirects', () => {
  it('follows a redirect to its target', async () => {
    const server = await startServer((request, response) => {
      if (request.url === '/start') {
        response.writeHead(302, { Location: '/final' }).end();
      } else {
        response.end(`at ${request.url ?? ''}`);
      }
    });
    const response = await executor.execute(get(`${server.origin}/start`), limits());
    expect(response).toMatchObject({ status: 200, body: 'at /final' });
    expect(server.paths).toEqual(['/start', '/final']);
  });

  it('follows a 303 after a POST with a GET that carries no body', async () => {
    const seen: string[] = [];
    const server = await startServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        seen.push(
          `${request.method ?? ''} ${request.url ?? ''} ${request.headers['content-type'] ?? '-'} ${body}`,
        );
        if (request.url === '/submit')
          response.writeHead(303, { Location: '/result' }).end('see other');
        else response.end('done');
      });
    });
    const request: HttpRequest = {
      method: 'POST',
      url: `${server.origin}/submit`,
      headers: { 'Content-Type': 'application/json' },
      body: '{"a":1}',
    };
    const response = await executor.execute(request, limits());
    expect(response).toMatchObject({ status: 200, body: 'done' });
    expect(seen).toEqual(['POST /submit application/json {"a":1}', 'GET /result - ']);
  });

  it('stops an endless redirect chain after 5 redirects with a non-retryable error', async () => {
    const server = await startServer((request, response) => {
      const hop = Number((request.url ?? '').split('/').pop());
      response.writeHead(302, { Location: `/hop/${hop + 1}` }).end();
    });
    const error = await failureOf(executor.execute(get(`${server.origin}/hop/0`), limits()));
    expect(error).toMatchObject({ kind: 'http', retryable: false, httpStatus: 302 });
    expect(error.message).toBe(`too many redirects: more than 5 (${server.host})`);
    expect(server.paths).toHaveLength(6);
  });

  it('returns a 3xx as it is when redirects are turned off', async () => {
    const noRedirects = new UndiciStepExecutor({ maxRedirections: 0 });
    try {
      const server = await startServer((_request, response) => {
        response.writeHead(301, { Location: '/elsewhere' }).end();
      });
      const response = await noRedirects.execute(get(server.origin), limits());
      expect(response.status).toBe(301);
      expect(response.headers['location']).toBe('/elsewhere');
    } finally {
      await noRedirects.close();
    }
  });
});

describe('UndiciStepExecutor: transport failures', () => {
  it('times out a hanging server with a retryable timeout error and drops the connection', async () => {
    let closed = false;
    const server = await startServer((request) => {
      request.socket.on('close', () => (closed = true));
    });
    const error = await failureOf(executor.execute(get(server.origin), limits({ timeoutMs: 150 })));
    expect(error).toMatchObject({ kind: 'timeout', retryable: true, code: 'STEP_TIMEOUT' });
    expect(error.message).toBe('timed out after 0.15 s');
    await waitFor(() => closed, 'the server to see the connection close');
  });

  it('reports a closed port as a retryable refused connection naming the address', async () => {
    const server = await startServer(() => {});
    await server.close();
    const error = await failureOf(executor.execute(get(`${server.origin}/x`), limits()));
    expect(error).toMatchObject({ kind: 'connection', retryable: true });
    expect(error.message).toBe(`connection refused (${server.host})`);
  });

  it('reports a server that destroys the socket as a retryable reset', async () => {
    const server = await startServer((request) => request.socket.destroy());
    const error = await failureOf(executor.execute(get(server.origin), limits()));
    expect(error).toMatchObject({ kind: 'connection', retryable: true });
    expect(error.message).toBe(`connection reset (${server.host})`);
  });

  it('aborts a request in flight when the signal fires, and the server sees the connection close', async () => {
    let closed = false;
    const server = await startServer((request) => {
      request.socket.on('close', () => (closed = true));
    });
    const controller = new AbortController();
    const attempt = executor.execute(get(server.origin), limits({ signal: controller.signal }));
    await waitFor(() => server.paths.length === 1, 'the request to arrive');
    controller.abort(new Error('run cancelled'));
    const error = await failureOf(attempt);
    expect(error).toMatchObject({ kind: 'aborted', retryable: false, code: 'STEP_ABORTED' });
    await waitFor(() => closed, 'the server to see the connection close');
  });

  it('sends nothing when the signal is already aborted', async () => {
    const server = await startServer((_request, response) => response.end());
    const controller = new AbortController();
    controller.abort();
    const error = await failureOf(
      executor.execute(get(server.origin), limits({ signal: controller.signal })),
    );
    expect(error.kind).toBe('aborted');
    expect(server.paths).toEqual([]);
  });

  it('refuses to send a header value with a line break, as a non-retryable error', async () => {
    const server = await startServer((_request, response) => response.end());
    const request = { ...get(server.origin), headers: { 'X-Note': 'a\r\nInjected: yes' } };
    const error = await failureOf(executor.execute(request, limits()));
    expect(error).toMatchObject({ kind: 'connection', retryable: false });
    expect(error.message).toMatch(new RegExp(`^request not sent to ${server.host}: `));
    expect(server.paths).toEqual([]);
  });

  it('fails at once when Content-Length announces more than the cap', async () => {
    const server = await startServer((_request, response) => {
      response.writeHead(200, { 'Content-Length': '5000' });
      response.write('x'.repeat(100));
    });
    const error = await failureOf(
      executor.execute(get(server.origin), limits({ maxResponseBytes: 1000 })),
    );
    expect(error).toMatchObject({ kind: 'too_large', retryable: false });
    expect(error.message).toBe(`response body exceeds 1000 bytes (${server.host})`);
  });

  it('fails a streamed body as soon as it passes the cap, and stops the download', async () => {
    let written = 0;
    let closed = false;
    const server = await startServer((_request, response) => {
      response.on('close', () => (closed = true));
      const chunk = 'y'.repeat(1024);
      const pump = (): void => {
        // Far more than the cap; the client must hang up long before the end.
        while (written < 64 * 1024 * 1024 && !response.destroyed) {
          written += chunk.length;
          if (!response.write(chunk)) {
            response.once('drain', pump);
            return;
          }
        }
        response.end();
      };
      pump();
    });
    const error = await failureOf(
      executor.execute(get(server.origin), limits({ maxResponseBytes: 4 * 1024 })),
    );
    expect(error).toMatchObject({ kind: 'too_large', retryable: false });
    expect(error.message).toBe(`response body exceeds 4 KiB (${server.host})`);
    await waitFor(() => closed, 'the server to see the download stop');
    expect(written).toBeLessThan(64 * 1024 * 1024);
  });
});

describe('UndiciStepExecutor: options', () => {
  it('rejects options that are not whole numbers in range', () => {
    expect(() => new UndiciStepExecutor({ connectionsPerOrigin: 0 })).toThrow(ConfigError);
    expect(() => new UndiciStepExecutor({ maxRedirections: -1 })).toThrow(
      'executor maxRedirections must be an integer >= 0, got -1',
    );
    expect(() => new UndiciStepExecutor({ keepAliveTimeoutMs: 1.5 })).toThrow(ConfigError);
  });
});
