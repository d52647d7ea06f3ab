/**
 * Structural check of a payload against the TypeBox schema, with TypeBox's errors reworded into
 * one plain sentence per place (`is required`, `must be a string, got number`).
 */
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import { ValueErrorType, type ValueError } from '@sinclair/typebox/errors';
import { WorkflowPayloadSchema } from '../payload/schema.js';
import { describeValue, jsonTypeOf, type IssueList } from './issues.js';

let compiled: TypeCheck<typeof WorkflowPayloadSchema> | undefined;

/** Compiled once, on first use, so importing the module costs nothing. */
function payloadCheck(): TypeCheck<typeof WorkflowPayloadSchema> {
  compiled ??= TypeCompiler.Compile(WorkflowPayloadSchema);
  return compiled;
}

/**
 * Checks `payload` against {@link WorkflowPayloadSchema}; adds one issue per offending place.
 * Unknown properties are allowed everywhere. Returns true when the structure is valid.
 */
export function checkStructure(payload: unknown, issues: IssueList): boolean {
  const check = payloadCheck();
  if (check.Check(payload)) return true;
  // TypeBox may report one place several times (e.g. required, then the type of undefined).
  const reported = new Set<string>();
  for (const error of check.Errors(payload)) {
    if (reported.has(error.path)) continue;
    reported.add(error.path);
    const [code, message] = describeError(error);
    issues.add(error.path, code, message);
    if (issues.isFull) break;
  }
  return false;
}

type Described = [code: string, message: string];

function describeError(error: ValueError): Described {
  const { schema, value } = error;
  if (error.type === ValueErrorType.ObjectRequiredProperty || value === undefined) {
    return ['required', 'is required'];
  }
  switch (error.type) {
    case ValueErrorType.String:
      return typeMismatch('a string', value);
    case ValueErrorType.Number:
      return numberMismatch('a number', value);
    case ValueErrorType.Integer:
      return numberMismatch('an integer', value);
    case ValueErrorType.Boolean:
      return typeMismatch('a boolean', value);
    case ValueErrorType.Array:
      return typeMismatch('an array', value);
    case ValueErrorType.Object:
      return typeMismatch('an object', value);
    case ValueErrorType.Union:
      return describeUnion(schema.anyOf, value);
    case ValueErrorType.StringPattern:
      return ['pattern', `must match ${barePattern(schema.pattern)}, got ${describeValue(value)}`];
    case ValueErrorType.StringMinLength:
      return ['too_short', atLeast(schema.minLength, 'character')];
    case ValueErrorType.ArrayMinItems:
      return ['too_few', atLeast(schema.minItems, 'item')];
    case ValueErrorType.NumberMinimum:
    case ValueErrorType.IntegerMinimum:
      return ['minimum', `must be >= ${String(schema.minimum)}, got ${describeValue(value)}`];
    default:
      return ['invalid', `${lowerFirst(error.message)}, got ${describeValue(value)}`];
  }
}

function typeMismatch(expected: string, value: unknown): Described {
  return ['type', `must be ${expected}, got ${jsonTypeOf(value)}`];
}

function numberMismatch(expected: string, value: unknown): Described {
  // A number of the wrong kind (1.5 for an integer, Infinity) is shown as itself, not "number".
  if (typeof value === 'number') return ['type', `must be ${expected}, got ${String(value)}`];
  return typeMismatch(expected, value);
}

/** The schema's unions are all unions of string literals: say which values are allowed. */
function describeUnion(variants: unknown, value: unknown): Described {
  const allowed: string[] = [];
  if (Array.isArray(variants)) {
    for (const variant of variants as unknown[]) {
      const constant = (variant as { const?: unknown } | null)?.const;
      if (typeof constant === 'string') allowed.push(constant);
    }
  }
  if (allowed.length === 0) return ['invalid', `has an unexpected form: ${describeValue(value)}`];
  return ['enum', `must be one of ${allowed.join(', ')}, got ${describeValue(value)}`];
}

function barePattern(pattern: unknown): string {
  if (typeof pattern !== 'string') return 'the expected pattern';
  return pattern.replace(/^\^/, '').replace(/\$$/, '');
}

function atLeast(minimum: unknown, unit: string): string {
  if (minimum === 1) return 'must not be empty';
  return `must have at least ${String(minimum)} ${unit}s`;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
