/**
 * The checked-in `schema/payload.schema.json` must equal `payloadJsonSchema()`.
 * After changing the payload schema, regenerate the file with:
 *
 *   UPDATE_SCHEMA=1 npx vitest run src/core/payload/json-schema.test.ts
 */
/* eslint-disable no-restricted-imports, no-restricted-globals -- this test reads and writes the
   checked-in schema file, which the pure core code never does. */
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PAYLOAD_JSON_SCHEMA_DIALECT, payloadJsonSchema } from './index.js';

const SCHEMA_FILE = new URL('../../../schema/payload.schema.json', import.meta.url);

describe('payload JSON Schema', () => {
  it('matches the checked-in schema/payload.schema.json', () => {
    const expected = `${JSON.stringify(payloadJsonSchema(), null, 2)}\n`;
    if (process.env.UPDATE_SCHEMA === '1') writeFileSync(SCHEMA_FILE, expected);
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(expected);
  });

  it('declares its dialect first and carries no TypeBox internals', () => {
    const schema = payloadJsonSchema();
    expect(Object.keys(schema)[0]).toBe('$schema');
    expect(schema.$schema).toBe(PAYLOAD_JSON_SCHEMA_DIALECT);
    expect(Object.getOwnPropertySymbols(schema)).toEqual([]);
    expect(schema).toMatchObject({
      type: 'object',
      required: ['STEPS_CONFIG'],
      properties: { STEPS_CONFIG: { type: 'array', minItems: 1 } },
    });
  });

  it('describes the methods as a list of constants and allows unknown fields', () => {
    const step = (
      payloadJsonSchema().properties as Record<string, { items: Record<string, unknown> }>
    ).STEPS_CONFIG!.items;
    expect(step.additionalProperties).toBe(true);
    const method = (step.properties as Record<string, { anyOf: Array<{ const: string }> }>).method!;
    expect(method.anyOf.map((variant) => variant.const)).toEqual([
      'GET',
      'POST',
      'PUT',
      'PATCH',
      'DELETE',
    ]);
  });

  it('returns a fresh object on every call', () => {
    const first = payloadJsonSchema();
    (first as { title?: string }).title = 'changed';
    expect(payloadJsonSchema().title).toBe('ObjSpace workflow payload');
  });
});
