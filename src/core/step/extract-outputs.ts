/** Turns a service's answer into the step's outputs (SPEC 3.5, output extraction). */
import type { ResolvedStep } from '../dag/types.js';
import { TemplateError } from '../errors.js';
import { parsePath, readPath, type PathSegment } from '../template/index.js';
import { setOwn } from './own-property.js';

/** Parsed output_mapping paths, per step mapping object (parsed once, read on every response). */
const parsedPaths = new WeakMap<Record<string, string>, Map<string, PathSegment[]>>();

/**
 * The response body as JSON when it parses, else the text itself (an empty body is `''`).
 * Takes any object with a text `body`, such as the executor port's `HttpResponse`.
 */
export function parseResponseBody(response: { readonly body: string }): unknown {
  const text = response.body;
  return mayBeJson(text) ? parseJsonOr(text, text) : text;
}

/**
 * The outputs of a completed step, each output name resolved in this order:
 * 1. `output_mapping[name]`: that path into the parsed response;
 * 2. Anthropic shape (`content[0].text` is a string): that text, kept as text;
 * 3. OpenAI shape (`choices[0].message.content` is a string): its JSON value when it parses
 *    (then rules 4 and 5 apply to that value), else the text;
 * 4. a JSON object with an own key equal to the name: that key's value;
 * 5. otherwise the whole value (a non-JSON body is its text).
 *
 * @param parsedBody The result of {@link parseResponseBody}.
 * @throws TemplateError `TEMPLATE_UNRESOLVED` when an output_mapping path finds nothing: the
 *   message names the output, the path and what the response held. It is not a
 *   `StepExecutionError`, so the step fails without a retry. `TEMPLATE_SYNTAX` for a malformed
 *   path.
 */
export function extractOutputs(step: ResolvedStep, parsedBody: unknown): Record<string, unknown> {
  const outputs: Record<string, unknown> = {};
  const mapping = step.outputMapping;
  let unwrapped: unknown = parsedBody;
  let isUnwrapped = false;
  for (const name of step.outputs) {
    if (mapping !== null && Object.hasOwn(mapping, name)) {
      setOwn(outputs, name, readMapped(step, mapping, name, parsedBody));
      continue;
    }
    if (!isUnwrapped) {
      unwrapped = unwrapModelReply(parsedBody);
      isUnwrapped = true;
    }
    setOwn(
      outputs,
      name,
      isPlainRecord(unwrapped) && Object.hasOwn(unwrapped, name) ? unwrapped[name] : unwrapped,
    );
  }
  return outputs;
}

/** Rules 2 and 3: the text of an Anthropic or OpenAI reply, else the value unchanged. */
function unwrapModelReply(value: unknown): unknown {
  if (!isPlainRecord(value)) return value;
  const anthropicText = textAt(value, 'content', 'text');
  if (anthropicText !== undefined) return anthropicText;
  const choice = firstItem(value['choices']);
  if (choice === undefined) return value;
  const message = choice['message'];
  if (!isPlainRecord(message)) return value;
  const content = message['content'];
  if (typeof content !== 'string') return value;
  return mayBeJson(content) ? parseJsonOr(content, content) : content;
}

/** `value[listKey][0][textKey]` when it is a string. */
function textAt(
  value: Record<string, unknown>,
  listKey: string,
  textKey: string,
): string | undefined {
  const first = firstItem(value[listKey]);
  const text = first?.[textKey];
  return typeof text === 'string' ? text : undefined;
}

function firstItem(list: unknown): Record<string, unknown> | undefined {
  if (!Array.isArray(list) || list.length === 0) return undefined;
  const first: unknown = list[0];
  return isPlainRecord(first) ? first : undefined;
}

function readMapped(
  step: ResolvedStep,
  mapping: Record<string, string>,
  name: string,
  parsedBody: unknown,
): unknown {
  const path = mapping[name] ?? '';
  const pointer = `/output_mapping/${escapePointer(name)}`;
  let paths = parsedPaths.get(mapping);
  if (paths === undefined) {
    paths = new Map();
    parsedPaths.set(mapping, paths);
  }
  let segments = paths.get(name);
  if (segments === undefined) {
    segments = parsePath(path, pointer);
    paths.set(name, segments);
  }
  const result = readPath(parsedBody, segments);
  if (result.found) return result.value;
  throw new TemplateError(
    'TEMPLATE_UNRESOLVED',
    `${pointer}: path ${JSON.stringify(path)} for output "${name}" of step "${step.name}" ` +
      `found nothing in the response, which is ${describeValue(parsedBody)}`,
    { expression: path, pointer, variable: name },
  );
}

/** A short description of a response value for error messages. */
function describeValue(value: unknown): string {
  if (Array.isArray(value)) return `an array of ${value.length} items`;
  if (isPlainRecord(value)) {
    const keys = Object.keys(value);
    if (keys.length === 0) return 'an empty object';
    const shown = keys
      .slice(0, 5)
      .map((key) => JSON.stringify(key))
      .join(', ');
    return `an object with keys ${shown}${keys.length > 5 ? `, and ${keys.length - 5} more` : ''}`;
  }
  if (typeof value === 'string') {
    return value.length > 60
      ? `text ${JSON.stringify(`${value.slice(0, 60)}...`)}`
      : `text ${JSON.stringify(value)}`;
  }
  return JSON.stringify(value) ?? String(value);
}

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Cheap test before `JSON.parse`: plain-text bodies are common (LLM text) and a thrown parse error
 * costs far more than looking at the first significant character.
 */
function mayBeJson(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    // Whitespace JSON allows around a value: space, tab, line feed, carriage return.
    if (code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d) continue;
    return (
      code === 0x7b /* { */ ||
      code === 0x5b /* [ */ ||
      code === 0x22 /* " */ ||
      code === 0x2d /* - */ ||
      (code >= 0x30 && code <= 0x39) ||
      code === 0x74 /* t */ ||
      code === 0x66 /* f */ ||
      code === 0x6e /* n */
    );
  }
  return false;
}

function parseJsonOr(text: string, fallback: unknown): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return fallback;
  }
}

/** JSON pointer escaping of one key (RFC 6901). */
function escapePointer(key: string): string {
  return key.replaceAll('~', '~0').replaceAll('/', '~1');
}
