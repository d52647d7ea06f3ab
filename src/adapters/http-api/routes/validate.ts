import type { FastifyInstance } from 'fastify';
import { ValidationError } from '../../../core/errors.js';
import { InvalidPayloadBodySchema, PlanSchema } from '../schemas.js';
import type { RunsApi } from '../types.js';
import { documentPayloadBody } from './payload-body.js';

/**
 * `POST /api/validate`: checks a payload without running it; answers its plan (usids per level)
 * or the 400 body listing every problem.
 */
export function registerValidateRoute(server: FastifyInstance, runs: RunsApi): void {
  server.post(
    '/api/validate',
    {
      config: { swaggerTransform: documentPayloadBody },
      schema: {
        summary: 'Validate a workflow payload and show its plan',
        tags: ['workflows'],
        response: { 200: PlanSchema, 400: InvalidPayloadBodySchema },
      },
    },
    (request, reply) => {
      const outcome = runs.validate(request.body);
      if (!outcome.valid) throw new ValidationError(outcome.issues);
      const { steps, levels } = outcome.workflow;
      return reply.send({
        valid: true,
        plan: { levels: levels.map((level) => level.map((index) => steps[index]?.usid ?? '')) },
      });
    },
  );
}
