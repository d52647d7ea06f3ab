/**
 * How the workflow payload appears in route documentation. It is documented but never validated by
 * Fastify: our own validator reports every problem with the SPEC 1.2 body, and Fastify's coercion
 * would change the payload it checks.
 */
import type { SwaggerTransform } from '@fastify/swagger';
import { payloadJsonSchema } from '../../../core/payload/index.js';

/** Adds the payload JSON Schema as the documented request body of a route. */
export const documentPayloadBody: SwaggerTransform = ({ schema, url }) => {
  // OpenAPI 3.1 documents carry their own dialect; a nested `$schema` would contradict it.
  const body = payloadJsonSchema();
  delete body.$schema;
  return { schema: { ...schema, body }, url };
};
