/**
 * Builds the HTTP service (SPEC 7) over the application's run service: routes, JSON body parsing,
 * bearer auth, request ids, error mapping and the generated OpenAPI document.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import fastifySwagger, { type SwaggerTransformObject } from '@fastify/swagger';
import Fastify, { type FastifyInstance } from 'fastify';
import { ENGINE_VERSION } from '../../version.js';
import { installBearerAuth, isProtectedPath } from './auth.js';
import { installErrorHandling } from './error-mapping.js';
import { installJsonBodyParser } from './json-body.js';
import { registerDocumentRoutes } from './routes/documents.js';
import { registerExecuteRoutes } from './routes/execute.js';
import { registerHealthRoute } from './routes/health.js';
import { registerRunEventsRoute } from './routes/run-events.js';
import { registerRunRoutes } from './routes/runs.js';
import { registerValidateRoute } from './routes/validate.js';
import type { HttpApiApp, HttpApiConfig } from './types.js';

/** A caller's `X-Request-Id` is reused when it looks like an id; anything else gets a new one. */
const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Builds the server; it does not listen. Call `listen()` on it, and `close()` at shutdown.
 *
 * @example
 * const server = await buildServer(app, config);
 * await server.listen({ host: config.server.host, port: config.server.port });
 */
export async function buildServer(
  app: HttpApiApp,
  config: HttpApiConfig,
): Promise<FastifyInstance> {
  const { bodyLimitBytes, apiToken, sseHeartbeatMs } = config.server;
  const server: FastifyInstance = Fastify({
    loggerInstance: app.logger,
    bodyLimit: bodyLimitBytes,
    genReqId: requestIdOf,
    // Our own 503 (UNAVAILABLE, Retry-After) answers runs during shutdown; reads keep working.
    return503OnClosing: false,
  });
  // Response schemas document; they must not filter fields out of results and records.
  server.setSerializerCompiler(() => (data) => JSON.stringify(data));
  await server.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'ObjSpace Workflow Engine',
        version: ENGINE_VERSION,
        description:
          'Runs workflows of HTTP-call steps as a parallel DAG. The payload JSON Schema is at /schema/payload.json.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
    transformObject: markProtectedOperations(apiToken !== null),
  });

  server.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    done();
  });
  installBearerAuth(server, apiToken);
  installJsonBodyParser(server, bodyLimitBytes);
  installErrorHandling(server, bodyLimitBytes);

  registerHealthRoute(server, app, ENGINE_VERSION);
  registerExecuteRoutes(server, app.runService);
  registerValidateRoute(server, app.runService);
  registerRunRoutes(server, app.runService);
  registerRunEventsRoute(server, app.runService, sseHeartbeatMs);
  registerDocumentRoutes(server);
  return server;
}

function requestIdOf(request: IncomingMessage): string {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID_PATTERN.test(given) ? given : randomUUID();
}

const OPERATION_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch'] as const;

/** Adds the bearer requirement to every operation under a protected path. */
function markProtectedOperations(hasToken: boolean): SwaggerTransformObject {
  return (document) => {
    if (!('openapiObject' in document)) return document.swaggerObject;
    const openapi = document.openapiObject;
    if (!hasToken) return openapi;
    for (const [path, item] of Object.entries(openapi.paths ?? {})) {
      if (item === undefined || !isProtectedPath(path)) continue;
      for (const method of OPERATION_METHODS) {
        const operation = item[method];
        if (operation !== undefined) operation.security = [{ bearer: [] }];
      }
    }
    return openapi;
  };
}
