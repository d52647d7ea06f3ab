import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Static } from '@sinclair/typebox';
import { EventStream } from '../event-stream.js';
import { HttpRequestError } from '../request-error.js';
import {
  EVENT_STREAM_DESCRIPTION,
  ErrorBodySchema,
  EventsQuerySchema,
  RunIdParamsSchema,
} from '../schemas.js';
import type { RunsApi } from '../types.js';

type RunIdParams = Static<typeof RunIdParamsSchema>;
type EventsQuery = Static<typeof EventsQuerySchema>;
type EventsRequest = FastifyRequest<{ Params: RunIdParams; Querystring: EventsQuery }>;

/**
 * `GET /api/runs/:run_id/events`: Server-Sent Events. Past events first, then live ones; the
 * stream ends after the terminal event. `Last-Event-ID` (or `?after=`) resumes after a sequence.
 */
export function registerRunEventsRoute(
  server: FastifyInstance,
  runs: RunsApi,
  heartbeatMs: number,
): void {
  server.get<{ Params: RunIdParams; Querystring: EventsQuery }>(
    '/api/runs/:run_id/events',
    {
      schema: {
        summary: 'Follow a run as Server-Sent Events',
        tags: ['runs'],
        params: RunIdParamsSchema,
        querystring: EventsQuerySchema,
        response: {
          200: {
            description: EVENT_STREAM_DESCRIPTION,
            content: { 'text/event-stream': { schema: { type: 'string' } } },
          },
          404: ErrorBodySchema,
        },
      },
    },
    async (request, reply) => {
      const runId = request.params.run_id;
      const after = resumeAfter(request);
      // Unknown runs get a plain 404 before the stream opens.
      await runs.getRun(runId);
      reply.hijack();
      const stream = new EventStream(reply.raw, heartbeatMs, { 'x-request-id': request.id });
      try {
        const stop = await runs.streamEvents(
          runId,
          after,
          (event) => stream.send(event),
          () => stream.end(),
        );
        stream.onClose(stop);
      } catch (error) {
        // The run expired between the lookup and the replay: nothing more to send.
        request.log.warn({ err: error, runId }, 'event stream ended early');
        stream.end();
      }
    },
  );
}

/** The sequence to resume after: `Last-Event-ID` wins over `?after=`; 0 replays everything. */
function resumeAfter(request: EventsRequest): number {
  const header = request.headers['last-event-id'];
  if (header === undefined || header === '') return request.query.after ?? 0;
  const text = (Array.isArray(header) ? header[0] : header)?.trim() ?? '';
  if (!/^\d{1,15}$/.test(text)) {
    throw new HttpRequestError(
      'INVALID_REQUEST',
      `Last-Event-ID must be an event sequence number, got ${JSON.stringify(text)}`,
    );
  }
  return Number(text);
}
