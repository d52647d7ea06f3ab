import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TemplateError } from '../errors.js';
import type { OnMissingMode } from '../payload/schema.js';
import {
  compileTemplate,
  formatPath,
  parsePath,
  type PathSegment,
  type TemplateScope,
} from './index.js';

const EMPTY_SCOPE: TemplateScope = { lookup: () => undefined };
const options = { pointer: '/p', maxLength: 100_000 };
const modes = fc.constantFrom<OnMissingMode>('error', 'keep', 'empty');

function scopeOf(variables: Record<string, unknown>): TemplateScope {
  return { lookup: (name) => (Object.hasOwn(variables, name) ? variables[name] : undefined) };
}

/** Text that looks like templates, so random strings reach the parser's corners. */
const templateish = fc.string({
  unit: fc.constantFrom(
    '{',
    '{{',
    '}',
    '}}',
    '?',
    '??',
    '"',
    "'",
    '[',
    ']',
    '.',
    ' ',
    '\\',
    'a',
    'b',
    '0',
    '-',
    'true',
    'u',
    'x',
  ),
  maxLength: 30,
});

const segmentsWith = (index: fc.Arbitrary<number>): fc.Arbitrary<PathSegment[]> =>
  fc.array(fc.oneof(fc.string({ unit: 'binary' }), index), { minLength: 1, maxLength: 6 });
/** Small indexes, so nested test values stay small. */
const segments = segmentsWith(fc.nat({ max: 20 }));

/** Nests `value` inside containers so that `segments` lead to it. */
function nest(segments: readonly PathSegment[], value: unknown): unknown {
  let current = value;
  for (let i = segments.length - 1; i >= 0; i--) {
    const segment = segments[i]!;
    if (typeof segment === 'number') {
      const list: unknown[] = new Array<unknown>(segment + 1).fill(0);
      list[segment] = current;
      current = list;
    } else {
      current = { [segment]: current };
    }
  }
  return current;
}

describe('template properties', () => {
  it('strings without "{{" compile static and render as themselves', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary' }).filter((text) => !text.includes('{{')),
        modes,
        (text, mode) => {
          const compiled = compileTemplate(text, options);
          expect(compiled.isStatic).toBe(true);
          expect(compiled.render(EMPTY_SCOPE, mode)).toBe(text);
        },
      ),
    );
  });

  it('JSON values without "{{" render as the very same value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        fc.pre(!JSON.stringify(value).includes('{{'));
        expect(compileTemplate(value, options).render(EMPTY_SCOPE, 'error')).toBe(value);
      }),
    );
  });

  it('a whole-string placeholder returns any JSON value unchanged', () => {
    fc.assert(
      fc.property(fc.jsonValue(), modes, (value, mode) => {
        const rendered = compileTemplate('{{ v }}', options).render(scopeOf({ v: value }), mode);
        expect(rendered).toStrictEqual(value);
      }),
    );
  });

  it('a printed path inside a placeholder finds the value nested at that path', () => {
    fc.assert(
      fc.property(segments, fc.jsonValue(), (path, value) => {
        const text = `{{${formatPath(['root', ...path])}}}`;
        const scope = scopeOf({ root: nest(path, value) });
        expect(compileTemplate(text, options).render(scope, 'error')).toStrictEqual(value);
      }),
    );
  });

  it('parsePath reads back every printed path', () => {
    fc.assert(
      fc.property(segmentsWith(fc.nat()), (path) => {
        expect(parsePath(formatPath(path))).toEqual(path);
      }),
    );
  });

  it('text with string placeholders renders as the concatenation of its pieces', () => {
    const piece = fc.oneof(
      fc.string().filter((text) => !text.includes('{')),
      fc.constantFrom('{{a}}', '{{ b }}', '{{ missing ?? a }}'),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 8 }), fc.string(), fc.string(), (pieces, a, b) => {
        const values: Record<string, string> = { a, b };
        const expected = pieces
          .map((p) => (p.startsWith('{{') ? (p.includes('b') ? b : a) : p))
          .join('');
        const rendered = compileTemplate(pieces.join(''), options).render(scopeOf(values), 'error');
        expect(rendered).toBe(expected);
      }),
    );
  });

  it('keep leaves placeholders of missing paths exactly as written', () => {
    const placeholder = segments.map((path) => `{{ ${formatPath(['missing', ...path])} }}`);
    const text = fc.string().filter((t) => !t.includes('{'));
    fc.assert(
      fc.property(fc.array(fc.oneof(placeholder, text), { maxLength: 6 }), (pieces) => {
        const source = pieces.join('');
        expect(compileTemplate(source, options).render(EMPTY_SCOPE, 'keep')).toBe(source);
      }),
    );
  });

  it('compile and render throw nothing but TemplateError on arbitrary text', () => {
    const scope = scopeOf({ a: { b: [1, 'x'] }, b: 'text', x: null, u: { '0': true } });
    fc.assert(
      fc.property(
        fc.oneof(templateish, fc.string({ unit: 'binary' })),
        modes,
        fc.boolean(),
        (text, mode, urlEncode) => {
          try {
            compileTemplate({ k: [text] }, { ...options, urlEncode }).render(scope, mode);
          } catch (error) {
            expect(error).toBeInstanceOf(TemplateError);
          }
        },
      ),
      { numRuns: 2_000 },
    );
  });
});
