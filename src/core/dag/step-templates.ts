/**
 * Compiles the templated parts of each step once (SPEC 2) and turns template syntax errors into
 * validation issues at the exact string that holds them.
 */
import { TemplateError } from '../errors.js';
import { compileTemplate, type CompiledTemplate } from '../template/index.js';
import type { StepTemplates } from './types.js';
import type { IssueList } from './issues.js';
import { isRecord, recordAt, type StepView } from './payload-view.js';

/**
 * Deepest nesting of arrays and objects accepted inside headers or a mapping. Real request bodies
 * stay far below it; junk nested deeper would only exhaust the stack of the code that walks it.
 */
export const MAX_TEMPLATE_DEPTH = 128;

/** The compiled templates of one step; a part that failed to compile is undefined. */
export interface PartialTemplates {
  serviceUrl: CompiledTemplate | undefined;
  headers: CompiledTemplate | undefined;
  mapping: CompiledTemplate | undefined;
}

/**
 * Compiles the templated parts of every step of one payload. Compiling is a pure function of
 * the text, and steps usually share their service URL and headers (often all of them), so equal
 * values are compiled once and their immutable compiled form is shared.
 */
export class StepTemplateCompiler {
  private readonly compiled = new Map<string, CompiledTemplate>();

  constructor(
    private readonly maxLength: number,
    private readonly issues: IssueList,
  ) {}

  /** Compiles service_url, headers and input_prep_config.mapping of one step. */
  compile(view: StepView): PartialTemplates {
    const { raw } = view;
    const headers = raw.headers === undefined ? {} : raw.headers;
    const mapping = recordAt(raw, 'input_prep_config').mapping;
    return {
      serviceUrl:
        typeof raw.service_url === 'string'
          ? this.part(raw.service_url, SERVICE_URL, view, `u${raw.service_url}`)
          : undefined,
      headers: isRecord(headers)
        ? this.part(headers, HEADERS, view, headersKey(headers))
        : undefined,
      mapping: this.part(mapping, MAPPING, view, mappingKey(mapping)),
    };
  }

  private part(
    value: unknown,
    where: Part,
    view: StepView,
    key: string | undefined,
  ): CompiledTemplate | undefined {
    if (key !== undefined) {
      const known = this.compiled.get(key);
      if (known !== undefined) return known;
    }
    const compiled = this.compileValue(value, where, view);
    if (compiled !== undefined && key !== undefined) this.compiled.set(key, compiled);
    return compiled;
  }

  private compileValue(value: unknown, where: Part, view: StepView): CompiledTemplate | undefined {
    const { pointer, urlEncode } = where;
    if (isNestedDeeperThan(value, MAX_TEMPLATE_DEPTH)) {
      this.issues.add(
        `${view.pointer}${pointer}`,
        'too_deep',
        `must not nest arrays and objects more than ${MAX_TEMPLATE_DEPTH} levels deep`,
      );
      return undefined;
    }
    try {
      return compileTemplate(value, { pointer, urlEncode, maxLength: this.maxLength });
    } catch (error) {
      if (!(error instanceof TemplateError)) throw error;
      const at = typeof error.details?.pointer === 'string' ? error.details.pointer : pointer;
      this.issues.add(`${view.pointer}${at}`, 'template_syntax', withoutPointer(error.message, at));
      return undefined;
    }
  }
}

/** The templates when every part compiled. */
export function completeTemplates(partial: PartialTemplates): StepTemplates | undefined {
  const { serviceUrl, headers, mapping } = partial;
  if (serviceUrl === undefined || headers === undefined || mapping === undefined) return undefined;
  return { serviceUrl, headers, mapping };
}

interface Part {
  pointer: string;
  urlEncode: boolean;
}

const SERVICE_URL: Part = { pointer: '/service_url', urlEncode: true };
const HEADERS: Part = { pointer: '/headers', urlEncode: false };
const MAPPING: Part = { pointer: '/input_prep_config/mapping', urlEncode: false };

/** Cache key of flat string headers (the valid shape); other shapes are not shared. */
function headersKey(headers: Readonly<Record<string, unknown>>): string | undefined {
  let key = 'h';
  for (const name in headers) {
    const value = headers[name];
    if (typeof value !== 'string') return undefined;
    // Length prefixes keep the key unambiguous whatever characters names and values hold.
    key += `${name.length}:${name}${value.length}:${value}`;
  }
  return key;
}

/** Only an absent or text mapping is shared; a JSON body is usually the step's own. */
function mappingKey(mapping: unknown): string | undefined {
  if (mapping === undefined) return 'm';
  return typeof mapping === 'string' ? `m${mapping}` : undefined;
}

/** Template messages start with their own pointer; the issue's path already says where. */
function withoutPointer(message: string, pointer: string): string {
  const prefix = `${pointer || '/'}: `;
  return message.startsWith(prefix) ? message.slice(prefix.length) : message;
}

/** Recursion is bounded by `limit`, so the check itself cannot overflow the stack. */
function isNestedDeeperThan(value: unknown, limit: number): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (limit === 0) return true;
  if (Array.isArray(value)) {
    for (const item of value as unknown[]) if (isNestedDeeperThan(item, limit - 1)) return true;
    return false;
  }
  const record = value as Record<string, unknown>;
  for (const key in record) if (isNestedDeeperThan(record[key], limit - 1)) return true;
  return false;
}
