/**
 * The published JSON Schema of the workflow payload, generated from {@link WorkflowPayloadSchema}
 * so the TypeScript types, the runtime check and the document cannot drift apart. The checked-in
 * copy is `schema/payload.schema.json`.
 */
import { WorkflowPayloadSchema } from './schema.js';

/** Dialect of the emitted schema: TypeBox emits `const`, `anyOf` and `patternProperties`. */
export const PAYLOAD_JSON_SCHEMA_DIALECT = 'http://json-schema.org/draft-07/schema#';

/**
 * The payload's JSON Schema (draft-07) as a fresh plain object: TypeBox's internal symbol keys
 * removed, `$schema`, `$id` and `title` first. Structure only; cross-field rules (unique usids, dependencies,
 * cycles, limits) are checked by `validatePayload`.
 */
export function payloadJsonSchema(): Record<string, unknown> {
  // Serialising drops TypeBox's symbol-keyed metadata; this runs once per document served.
  const plain = JSON.parse(JSON.stringify(WorkflowPayloadSchema)) as Record<string, unknown>;
  // Identity first, so a reader of the file sees what it is before the details.
  const { $id, title, ...rest } = plain;
  return { $schema: PAYLOAD_JSON_SCHEMA_DIALECT, $id, title, ...rest };
}
