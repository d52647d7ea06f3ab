import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  AcceptedRunSchema,
  ErrorBodySchema,
  ExecuteQuerySchema,
  InvalidPayloadBodySchema,
  WorkflowResultSchema,
} from '../schemas.js';
import type { RunsApi } from '../types.js';
import { documentPayloadBody } from './payload-body.js';

/**
 * `POST /api/execute` and the original route `POST /execute`: run the payload and answer with its
 * result (200 whatever the outcome), or with `Prefer: respond-async` / `?async=true` answer 202 at
 * once with where to follow the run.
 */
export function registerExecuteRoutes(server: FastifyInstance, runs: RunsApi): void {
  for (const url of ['/api/execute', '/execute']) {
    server.post<{ Querystring: { async?: string } }>(
      url,
      {
        config: { swaggerTransform: documentPayloadBody },
        schema: {
          summary:
            url === '/execute'
              ? 'Run a workflow (the original route; same as /api/execute)'
              : 'Run a workflow',
          tags: ['runs'],
          querystring: ExecuteQuerySchema,
          response: {
            200: WorkflowResultSchema,
            202: AcceptedRunSchema,
            400: InvalidPayloadBodySchema,
            503: ErrorBodySchema,
          },
        },
      },
      async (request, reply) => {
        if (!wantsAsync(request)) return runs.execute(request.body);
        const { runId } = await runs.start(request.body);
        const statusUrl = `${request.protocol}://${request.host}/api/runs/${encodeURIComponent(runId)}`;
        return reply
          .code(202)
          .header('location', statusUrl)
          .header('preference-applied', 'respond-async')
          .send({ run_id: runId, status_url: statusUrl, events_url: `${statusUrl}/events` });
      },
    );
  }
}

/** `Prefer: respond-async` (RFC 7240, any position, any case) or `?async=true|1`. */
function wantsAsync(request: FastifyRequest<{ Querystring: { async?: string } }>): boolean {
  // The route schema admits only true, false, 1 and 0.
  const query = request.query.async;
  if (query === 'true' || query === '1') return true;
  const prefer = request.headers.prefer;
  if (prefer === undefined) return false;
  return (Array.isArray(prefer) ? prefer.join(',') : prefer)
    .split(',')
    .some((preference) => preference.split(';', 1)[0]?.trim().toLowerCase() === 'respond-async');
}
