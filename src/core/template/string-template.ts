/** Compiles one string into a render closure: whole-string placeholders or text with holes. */
import type { OnMissingMode } from '../payload/schema.js';
import { assertNever, TemplateError } from '../errors.js';
import { excerpt, parseTemplateString, type Placeholder } from './parse.js';
import { MISSING } from './path.js';
import { buildResolver, describeMiss, type Resolver } from './resolve.js';
import type { TemplateScope } from './types.js';

/** A compiled value with at least one placeholder. */
export interface TemplateNode {
  readonly isStatic: false;
  render(scope: TemplateScope, onMissing: OnMissingMode): unknown;
}

/** Options that apply to every string of one compiled value. */
export interface StringOptions {
  urlEncode: boolean;
  maxLength: number;
}

interface Hole {
  placeholder: Placeholder;
  resolve: Resolver;
  encode: boolean;
}

/**
 * Compiles `text` found at `pointer`; `text` holds `{{`. Adds the base variables it references
 * to `variables` (each once, in order of first appearance).
 * @throws TemplateError `TEMPLATE_SYNTAX` for malformed placeholders or a string over the limit.
 */
export function compileString(
  text: string,
  pointer: string,
  options: StringOptions,
  variables: string[],
): TemplateNode {
  if (text.length > options.maxLength) {
    throw new TemplateError(
      'TEMPLATE_SYNTAX',
      `${pointer || '/'}: a string with placeholders may be at most ${options.maxLength} ` +
        `characters long, got ${text.length}`,
      { expression: excerpt(text), pointer, position: options.maxLength },
    );
  }
  const { literals, placeholders } = parseTemplateString(text, pointer);
  const holes: Hole[] = [];
  for (const placeholder of placeholders) {
    for (const term of placeholder.terms) {
      if (term.kind === 'path' && !variables.includes(term.base)) variables.push(term.base);
    }
    holes.push({
      placeholder,
      resolve: buildResolver(placeholder.terms),
      // A placeholder that opens the string supplies the base URL, so it stays as it is.
      encode: options.urlEncode && placeholder.start !== 0,
    });
  }
  const only = holes[0];
  if (only !== undefined && holes.length === 1 && literals[0] === '' && literals[1] === '') {
    return wholeNode(text, only, pointer);
  }
  return mixedNode(literals, holes, pointer);
}

function wholeNode(text: string, hole: Hole, pointer: string): TemplateNode {
  const { resolve } = hole;
  return {
    isStatic: false,
    render(scope, onMissing) {
      const value = resolve(scope);
      if (value !== MISSING) return value;
      return onMissingValue(onMissing, text, hole.placeholder, scope, pointer);
    },
  };
}

function mixedNode(
  literals: readonly string[],
  holes: readonly Hole[],
  pointer: string,
): TemplateNode {
  const first = literals[0] ?? '';
  return {
    isStatic: false,
    render(scope, onMissing) {
      let out = first;
      for (let i = 0; i < holes.length; i++) {
        const hole = holes[i];
        if (hole === undefined) continue;
        const value = hole.resolve(scope);
        if (value === MISSING) {
          const raw = hole.placeholder.raw;
          out += onMissingValue(onMissing, raw, hole.placeholder, scope, pointer);
        } else {
          const piece = toText(value);
          out += hole.encode ? encodeComponent(piece) : piece;
        }
        out += literals[i + 1] ?? '';
      }
      return out;
    },
  };
}

/** What a missing placeholder becomes: `kept` under `keep`, `''` under `empty`, else an error. */
function onMissingValue(
  onMissing: OnMissingMode,
  kept: string,
  placeholder: Placeholder,
  scope: TemplateScope,
  pointer: string,
): string {
  switch (onMissing) {
    case 'keep':
      return kept;
    case 'empty':
      return '';
    case 'error':
      throw unresolvedError(placeholder, scope, pointer);
    default:
      return assertNever(onMissing, 'templating.on_missing mode');
  }
}

function unresolvedError(
  placeholder: Placeholder,
  scope: TemplateScope,
  pointer: string,
): TemplateError {
  const { variable, reason } = describeMiss(placeholder.terms, scope);
  const paths = placeholder.terms.flatMap((term) => (term.kind === 'path' ? [term.text] : []));
  const suffix = reason === undefined ? '' : ` (${reason})`;
  return new TemplateError(
    'TEMPLATE_UNRESOLVED',
    `unresolved variable ${paths.join(' ?? ')} in ${pointer || '/'}${suffix}`,
    { expression: placeholder.expression, pointer, variable },
  );
}

/** Text of a value inserted into a longer string: objects and arrays as JSON, else `String`. */
function toText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value !== null && typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function encodeComponent(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    // A lone surrogate cannot be encoded; it becomes U+FFFD, as a UTF-8 encoder would do.
    return encodeURIComponent(text.replace(/[\uD800-\uDFFF]/gu, '\uFFFD'));
  }
}
