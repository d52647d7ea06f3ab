/**
 * Compiles a templated value once (parsing every string), so rendering on each attempt only
 * resolves variables. Rendering copies only the containers on the way to a placeholder.
 */
import {
  compileString,
  staticNode,
  type StringOptions,
  type TemplateNode,
} from './string-template.js';
import type { CompileOptions, CompiledTemplate } from './types.js';

const variablesOf = new WeakMap<CompiledTemplate, readonly string[]>();

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
  const variables = new Set<string>();
  const stringOptions: StringOptions = {
    urlEncode: options.urlEncode ?? false,
    maxLength: options.maxLength,
  };
  const node = compileNode(value, options.pointer, stringOptions, variables);
  const compiled: CompiledTemplate = {
    isStatic: node.isStatic,
    render: (scope, onMissing) => node.render(scope, onMissing),
  };
  variablesOf.set(compiled, [...variables]);
  return compiled;
}

/**
 * Base variables (`original_input`, an output name, `secrets`, `run`, ...) that a compiled value
 * refers to, in order of first appearance; empty for a value this module did not compile.
 */
export function referencedVariables(compiled: CompiledTemplate): readonly string[] {
  return variablesOf.get(compiled) ?? [];
}

function compileNode(
  value: unknown,
  pointer: string,
  options: StringOptions,
  variables: Set<string>,
): TemplateNode {
  if (typeof value === 'string') return compileString(value, pointer, options, variables);
  if (Array.isArray(value)) return compileArray(value, pointer, options, variables);
  if (isPlainObject(value)) return compileObject(value, pointer, options, variables);
  return staticNode(value);
}

function compileArray(
  items: readonly unknown[],
  pointer: string,
  options: StringOptions,
  variables: Set<string>,
): TemplateNode {
  const indexes: number[] = [];
  const nodes: TemplateNode[] = [];
  items.forEach((item, index) => {
    const node = compileNode(item, `${pointer}/${index}`, options, variables);
    if (node.isStatic) return;
    indexes.push(index);
    nodes.push(node);
  });
  if (nodes.length === 0) return staticNode(items);
  return {
    isStatic: false,
    render(scope, onMissing) {
      const out = items.slice();
      for (let i = 0; i < nodes.length; i++) {
        out[indexes[i] ?? 0] = nodes[i]?.render(scope, onMissing);
      }
      return out;
    },
  };
}

function compileObject(
  object: Record<string, unknown>,
  pointer: string,
  options: StringOptions,
  variables: Set<string>,
): TemplateNode {
  const keys: string[] = [];
  const nodes: TemplateNode[] = [];
  for (const key of Object.keys(object)) {
    const node = compileNode(object[key], `${pointer}/${escapePointer(key)}`, options, variables);
    if (node.isStatic) continue;
    keys.push(key);
    nodes.push(node);
  }
  if (nodes.length === 0) return staticNode(object);
  const hasProtoKey = keys.includes('__proto__');
  return {
    isStatic: false,
    render(scope, onMissing) {
      const out: Record<string, unknown> = { ...object };
      for (let i = 0; i < nodes.length; i++) {
        const key = keys[i] ?? '';
        const rendered = nodes[i]?.render(scope, onMissing);
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

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** JSON pointer escaping of one key (RFC 6901): `~` as `~0`, `/` as `~1`. */
function escapePointer(key: string): string {
  return key.replaceAll('~', '~0').replaceAll('/', '~1');
}
