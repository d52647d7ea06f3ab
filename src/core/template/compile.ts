/**
 * Compiles a templated value once (parsing every string), so rendering on each attempt only
 * resolves variables. Rendering copies only the containers on the way to a placeholder.
 *
 * Compiling runs for every step of every run, so it allocates only for what holds a
 * placeholder: static leaves and subtrees get no node, and JSON pointers (needed for messages
 * only) are built just for templated strings.
 */
import { compileString, type StringOptions, type TemplateNode } from './string-template.js';
import type { CompileOptions, CompiledTemplate, TemplateScope } from './types.js';
import type { OnMissingMode } from '../payload/schema.js';

/** Where a value sits: the root pointer, or a key or index under a parent. */
type Location = string | { readonly parent: Location; readonly key: string | number };

/** A compiled value; a static one renders to the value itself. */
class CompiledValue implements CompiledTemplate {
  readonly isStatic: boolean;

  constructor(
    private readonly node: TemplateNode | null,
    private readonly value: unknown,
    /** Base variables referenced, in order of first appearance. */
    readonly variables: readonly string[],
  ) {
    this.isStatic = node === null;
  }

  render(scope: TemplateScope, onMissing: OnMissingMode): unknown {
    return this.node === null ? this.value : this.node.render(scope, onMissing);
  }
}

/**
 * Compiles `value`: strings are parsed for `{{ }}` placeholders, arrays and plain objects are
 * walked (object keys are never templated), anything else is static.
 *
 * @param options `pointer` locates `value` for error messages; `urlEncode` encodes inserted
 *   values except a placeholder that starts its string; `maxLength` bounds templated strings.
 * @throws TemplateError `TEMPLATE_SYNTAX` naming the JSON pointer of the string and the 0-based
 *   position of the problem.
 * @example
 * const body = compileTemplate({ text: '{{original_input}}' }, { pointer: '/input_prep_config/mapping', maxLength: 100_000 });
 * body.render(scope, 'error'); // { text: <value of original_input, type preserved> }
 */
export function compileTemplate(value: unknown, options: CompileOptions): CompiledTemplate {
  const variables: string[] = [];
  const stringOptions: StringOptions = {
    urlEncode: options.urlEncode ?? false,
    maxLength: options.maxLength,
  };
  const node = compileNode(value, options.pointer, stringOptions, variables);
  return new CompiledValue(node, value, variables);
}

/**
 * Base variables (`original_input`, an output name, `secrets`, `run`, ...) that a compiled value
 * refers to, in order of first appearance; empty for a value this module did not compile.
 */
export function referencedVariables(compiled: CompiledTemplate): readonly string[] {
  return compiled instanceof CompiledValue ? compiled.variables : [];
}

/** The node of a value with placeholders, or null for a static one. */
function compileNode(
  value: unknown,
  at: Location,
  options: StringOptions,
  variables: string[],
): TemplateNode | null {
  if (typeof value === 'string') {
    return value.includes('{{') ? compileString(value, pointerOf(at), options, variables) : null;
  }
  if (value === null || typeof value !== 'object') return null;
  if (Array.isArray(value)) return compileArray(value, at, options, variables);
  if (isPlainObject(value)) return compileObject(value, at, options, variables);
  return null;
}

function compileArray(
  items: readonly unknown[],
  at: Location,
  options: StringOptions,
  variables: string[],
): TemplateNode | null {
  let indexes: number[] | null = null;
  let nodes: TemplateNode[] | null = null;
  for (let index = 0; index < items.length; index++) {
    const node = compileNode(items[index], { parent: at, key: index }, options, variables);
    if (node === null) continue;
    (indexes ??= []).push(index);
    (nodes ??= []).push(node);
  }
  if (indexes === null || nodes === null) return null;
  const templatedIndexes = indexes;
  const templatedNodes = nodes;
  return {
    isStatic: false,
    render(scope, onMissing) {
      const out = items.slice();
      for (let i = 0; i < templatedNodes.length; i++) {
        out[templatedIndexes[i] as number] = (templatedNodes[i] as TemplateNode).render(
          scope,
          onMissing,
        );
      }
      return out;
    },
  };
}

function compileObject(
  object: Record<string, unknown>,
  at: Location,
  options: StringOptions,
  variables: string[],
): TemplateNode | null {
  let keys: string[] | null = null;
  let nodes: TemplateNode[] | null = null;
  for (const key in object) {
    if (!Object.hasOwn(object, key)) continue;
    const node = compileNode(object[key], { parent: at, key }, options, variables);
    if (node === null) continue;
    (keys ??= []).push(key);
    (nodes ??= []).push(node);
  }
  if (keys === null || nodes === null) return null;
  const templatedKeys = keys;
  const templatedNodes = nodes;
  const hasProtoKey = templatedKeys.includes('__proto__');
  return {
    isStatic: false,
    render(scope, onMissing) {
      const out: Record<string, unknown> = { ...object };
      for (let i = 0; i < templatedNodes.length; i++) {
        const key = templatedKeys[i] as string;
        const rendered = (templatedNodes[i] as TemplateNode).render(scope, onMissing);
        // Assigning "__proto__" would change the prototype instead of setting the JSON key.
        if (hasProtoKey && key === '__proto__') {
          Object.defineProperty(out, key, {
            value: rendered,
            enumerable: true,
            writable: true,
            configurable: true,
          });
        } else {
          out[key] = rendered;
        }
      }
      return out;
    },
  };
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** The JSON pointer of a location; keys escaped as RFC 6901 says (`~` as `~0`, `/` as `~1`). */
function pointerOf(at: Location): string {
  if (typeof at === 'string') return at;
  const key = typeof at.key === 'number' ? String(at.key) : escapePointer(at.key);
  return `${pointerOf(at.parent)}/${key}`;
}

function escapePointer(key: string): string {
  return key.includes('~') || key.includes('/')
    ? key.replaceAll('~', '~0').replaceAll('/', '~1')
    : key;
}
