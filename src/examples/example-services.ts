/**
 * Starts the bundled example services on one node:http server: the targets of the example
 * payloads in `payloads/`, so the demo and tests run with no internet access.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigError } from '../core/errors.js';
import {
  createFlakyHandler,
  createSlowEndpoint,
  handleEcho,
  handleHealth,
  handleRouter,
} from './control-handlers.js';
import { MAX_EXAMPLE_BODY_BYTES, errorReply, parseBody, readBody, sendReply } from './http-io.js';
import type { ExampleHandler } from './http-io.js';
import { handleAnthropicMessages, handleOpenAiChat } from './llm-handlers.js';

/** Address the services listen on by default: loopback only. */
export const DEFAULT_EXAMPLE_HOST = '127.0.0.1';
/** Port the services listen on by default. */
export const DEFAULT_EXAMPLE_PORT = 8787;
/**
 * The origin every example payload's `service_url` starts with. When the services run on another
 * port, replace this origin with {@link ExampleServices.baseUrl}.
 */
export const EXAMPLE_SERVICES_ORIGIN = 'http://127.0.0.1:8787';
/** How long an idle keep-alive connection stays open, in ms (longer than common client pools). */
export const EXAMPLE_KEEP_ALIVE_TIMEOUT_MS = 30_000;

/** Where to listen. */
export interface ExampleServicesOptions {
  /** Interface to bind. @defaultValue `127.0.0.1` */
  host?: string;
  /** TCP port; 0 picks any free port. @defaultValue 8787 */
  port?: number;
}

/** A running set of example services. */
export interface ExampleServices {
  /** Origin of the services, without a trailing slash, e.g. `http://127.0.0.1:8787`. */
  readonly baseUrl: string;
  /** How many `/slow` delays are waiting right now (a disconnected client's delay is dropped). */
  pendingDelays: () => number;
  /** Stops listening, drops pending delays and closes every connection. Safe to call twice. */
  close(): Promise<void>;
}

const ALL_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/**
 * Starts the example services (endpoints documented in `src/examples/README.md`).
 *
 * @throws ConfigError when the options are invalid or the address cannot be bound (for example
 *   port 8787 already in use: pass `port: 0` and use `baseUrl`).
 * @example
 * const services = await startExampleServices({ port: 0 });
 * const reply = await fetch(`${services.baseUrl}/health`);
 * await services.close();
 */
export async function startExampleServices(
  options: ExampleServicesOptions = {},
): Promise<ExampleServices> {
  const host = options.host ?? DEFAULT_EXAMPLE_HOST;
  const port = options.port ?? DEFAULT_EXAMPLE_PORT;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new ConfigError(
      `example services: port must be an integer from 0 to 65535, got ${String(port)}`,
    );
  }
  const slow = createSlowEndpoint();
  const routes = buildRoutes(slow.handle);
  const inFlight = new Set<AbortController>();
  const server = createServer((request, response) => {
    void serveRequest(request, response, routes, inFlight);
  });
  server.keepAliveTimeout = EXAMPLE_KEEP_ALIVE_TIMEOUT_MS;
  await listen(server, host, port);
  const address = server.address() as AddressInfo;
  const urlHost = address.address.includes(':') ? `[${address.address}]` : address.address;
  let closing: Promise<void> | undefined;
  return {
    baseUrl: `http://${urlHost}:${address.port}`,
    pendingDelays: slow.pendingDelays,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const controller of inFlight) controller.abort();
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

type RouteTable = Map<string, Map<string, ExampleHandler>>;

function buildRoutes(slow: ExampleHandler): RouteTable {
  const route = (methods: readonly string[], handler: ExampleHandler) =>
    new Map(methods.map((method) => [method, handler]));
  return new Map([
    ['/health', route(['GET'], handleHealth)],
    ['/echo', route(ALL_METHODS, handleEcho)],
    ['/openai/v1/chat/completions', route(['POST'], handleOpenAiChat)],
    ['/anthropic/v1/messages', route(['POST'], handleAnthropicMessages)],
    ['/router', route(['POST'], handleRouter)],
    ['/flaky', route(ALL_METHODS, createFlakyHandler())],
    ['/slow', route(['GET', 'POST'], slow)],
  ]);
}

async function serveRequest(
  request: IncomingMessage,
  response: ServerResponse,
  routes: RouteTable,
  inFlight: Set<AbortController>,
): Promise<void> {
  const controller = new AbortController();
  inFlight.add(controller);
  response.on('close', () => {
    inFlight.delete(controller);
    if (!response.writableFinished) controller.abort();
  });
  try {
    const target = request.url ?? '/';
    const queryStart = target.indexOf('?');
    const path = queryStart === -1 ? target : target.slice(0, queryStart);
    const methods = routes.get(path);
    if (methods === undefined) {
      sendReply(response, errorReply(404, 'NOT_FOUND', `no example service at ${path}`));
      return;
    }
    const method = request.method ?? 'GET';
    const handler = methods.get(method);
    if (handler === undefined) {
      const allowed = [...methods.keys()].join(', ');
      sendReply(
        response,
        errorReply(405, 'METHOD_NOT_ALLOWED', `${path} accepts ${allowed}, got ${method}`, {
          Allow: allowed,
        }),
      );
      return;
    }
    const raw = await readBody(request, MAX_EXAMPLE_BODY_BYTES);
    if (raw === undefined) {
      const limit = `${MAX_EXAMPLE_BODY_BYTES} bytes`;
      // The rest of the body is unread, so this connection cannot carry another request.
      sendReply(response, errorReply(413, 'BODY_TOO_LARGE', `request body exceeds ${limit}`), true);
      return;
    }
    const reply = await handler({
      method,
      path,
      query: new URLSearchParams(queryStart === -1 ? '' : target.slice(queryStart + 1)),
      headers: request.headers,
      body: parseBody(raw, request.headers['content-type']),
      signal: controller.signal,
    });
    if (reply !== undefined) sendReply(response, reply);
  } catch (error) {
    // A client that vanished mid-body ends here too; answering is then a no-op.
    const message = error instanceof Error ? error.message : String(error);
    sendReply(response, errorReply(500, 'INTERNAL_ERROR', `example service failed: ${message}`));
  }
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(
        new ConfigError(
          `example services: cannot listen on ${host}:${port} (${error.code ?? error.message})`,
          { cause: error },
        ),
      );
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}
