import type { FastifyInstance } from 'fastify';
import { payloadJsonSchema } from '../../../core/payload/index.js';

/** `GET /openapi.json` (generated from the route schemas) and `GET /schema/payload.json`. */
export function registerDocumentRoutes(server: FastifyInstance): void {
  server.get('/openapi.json', { schema: { hide: true } }, (_request, reply) =>
    reply.send(server.swagger()),
  );
  server.get(
    '/schema/payload.json',
    {
      schema: {
        summary: 'JSON Schema (draft-07) of the workflow payload: structure only',
        tags: ['workflows'],
      },
    },
    async (_request, reply) =>
      reply.type('application/schema+json').send(JSON.stringify(payloadJsonSchema())),
  );
}
