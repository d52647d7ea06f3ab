import type { FastifyInstance } from 'fastify';
import type { Static } from '@sinclair/typebox';
import type { RunFilter } from '../../../ports/run-store.js';
import {
  ErrorBodySchema,
  ListRunsQuerySchema,
  RunIdParamsSchema,
  RunListSchema,
  RunRecordSchema,
} from '../schemas.js';
import type { RunsApi } from '../types.js';

type RunIdParams = Static<typeof RunIdParamsSchema>;
type ListRunsQuery = Static<typeof ListRunsQuerySchema>;

/** `GET /api/runs/:run_id`, `GET /api/runs` and `POST /api/runs/:run_id/cancel`. */
export function registerRunRoutes(server: FastifyInstance, runs: RunsApi): void {
  server.get<{ Params: RunIdParams }>(
    '/api/runs/:run_id',
    {
      schema: {
        summary: 'A run: its status, history so far and, once it ended, its result',
        tags: ['runs'],
        params: RunIdParamsSchema,
        response: { 200: RunRecordSchema, 404: ErrorBodySchema },
      },
    },
    async (request) => runs.getRun(request.params.run_id),
  );

  server.get<{ Querystring: ListRunsQuery }>(
    '/api/runs',
    {
      schema: {
        summary: 'Runs, newest first, filtered and paged',
        tags: ['runs'],
        querystring: ListRunsQuerySchema,
        response: { 200: RunListSchema },
      },
    },
    async (request) => {
      const { workflow_id: workflowId, namespace, status, limit, before } = request.query;
      // One more than asked tells whether there is a next page.
      const filter: RunFilter = { limit: limit + 1 };
      if (workflowId !== undefined) filter.workflowId = workflowId;
      if (namespace !== undefined) filter.namespace = namespace;
      if (status !== undefined) filter.status = status;
      if (before !== undefined) filter.before = before;
      const found = await runs.listRuns(filter);
      if (found.length <= limit) return { runs: found };
      const page = found.slice(0, limit);
      return { runs: page, next_before: page[page.length - 1]?.run_id };
    },
  );

  server.post<{ Params: RunIdParams }>(
    '/api/runs/:run_id/cancel',
    {
      schema: {
        summary: 'Cancel a run in flight; answers its record (status cancelled)',
        tags: ['runs'],
        params: RunIdParamsSchema,
        response: { 200: RunRecordSchema, 404: ErrorBodySchema, 409: ErrorBodySchema },
      },
    },
    async (request) => runs.cancel(request.params.run_id),
  );
}
