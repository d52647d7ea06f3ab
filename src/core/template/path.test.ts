import { describe, expect, it } from 'vitest';
import { TemplateError } from '../errors.js';
import { formatPath, parsePath, readPath } from './index.js';

function syntaxError(run: () => unknown): TemplateError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(TemplateError);
    expect((error as TemplateError).code).toBe('TEMPLATE_SYNTAX');
    return error as TemplateError;
  }
  throw new Error('expected a TemplateError');
}

describe('parsePath', () => {
  it('reads dotted names', () => {
    expect(parsePath('a.b.c')).toEqual(['a', 'b', 'c']);
  });

  it('reads bracket indexes as numbers', () => {
    expect(parsePath('a.items[0].text')).toEqual(['a', 'items', 0, 'text']);
    expect(parsePath('choices[0].message.content')).toEqual(['choices', 0, 'message', 'content']);
    expect(parsePath('m[1][22]')).toEqual(['m', 1, 22]);
  });

  it('reads double- and single-quoted keys with escapes', () => {
    expect(parsePath('a["key with space"]')).toEqual(['a', 'key with space']);
    expect(parsePath("a['k'].b")).toEqual(['a', 'k', 'b']);
    expect(parsePath('a["q\\"uote\\u0041"]')).toEqual(['a', 'q"uoteA']);
    expect(parsePath("a['it\\'s']")).toEqual(['a', "it's"]);
    expect(parsePath('a["x.y[0]"]')).toEqual(['a', 'x.y[0]']);
  });

  it('accepts a bracket as the first segment', () => {
    expect(parsePath('[0].text')).toEqual([0, 'text']);
    expect(parsePath('["my var"].x')).toEqual(['my var', 'x']);
  });

  it('keeps names with dashes, colons and digits as written', () => {
    expect(parsePath('result-1.v2:x.0')).toEqual(['result-1', 'v2:x', '0']);
  });

  it.each([
    ['', 0, 'expected a path'],
    ['a.', 2, 'expected a name after "."'],
    ['a..b', 2, 'expected a name after "."'],
    ['a[', 2, 'expected an index or a quoted key'],
    ['a[x]', 2, 'expected an index or a quoted key'],
    ['a[-1]', 2, 'expected an index or a quoted key'],
    ['a[0', 3, 'expected "]"'],
    ['a["x"', 5, 'expected "]"'],
    ['a["x', 2, 'unterminated string'],
    ['a["\\q"]', 3, 'unknown escape'],
    ['a b', 1, 'unexpected " "'],
    ['a]', 1, 'unexpected "]"'],
  ])('rejects %j at position %i', (text, position, reason) => {
    const error = syntaxError(() => parsePath(text));
    expect(error.details?.position).toBe(position);
    expect(error.message).toContain(`at position ${position}`);
    expect(error.message).toContain(reason);
  });

  it('prefixes the pointer when given', () => {
    const error = syntaxError(() => parsePath('a..b', '/STEPS_CONFIG/0/output_mapping/x'));
    expect(error.message.startsWith('/STEPS_CONFIG/0/output_mapping/x: invalid path "a..b"')).toBe(
      true,
    );
    expect(error.details?.pointer).toBe('/STEPS_CONFIG/0/output_mapping/x');
  });
});

describe('formatPath', () => {
  it('prints bare names, indexes and quoted keys', () => {
    expect(formatPath(['a', 'items', 0, 'key with space', 'x.y'])).toBe(
      'a.items[0]["key with space"]["x.y"]',
    );
    expect(formatPath([3, ''])).toBe('[3][""]');
  });
});

describe('readPath', () => {
  const value = {
    choices: [{ message: { content: 'hi' } }],
    obj: { '0': 'zero', nested: null },
    list: ['a', 'b'],
  };

  it('walks objects and arrays', () => {
    expect(readPath(value, ['choices', 0, 'message', 'content'])).toEqual({
      found: true,
      value: 'hi',
    });
  });

  it('starts at the given segment', () => {
    expect(readPath(value.choices, ['ignored', 0, 'message'], 1)).toEqual({
      found: true,
      value: { content: 'hi' },
    });
  });

  it('reads a number segment as a key on objects and a digit key as an index on arrays', () => {
    expect(readPath(value, ['obj', 0])).toEqual({ found: true, value: 'zero' });
    expect(readPath(value, ['list', '1'])).toEqual({ found: true, value: 'b' });
    expect(readPath(value, ['list', '01']).found).toBe(false);
  });

  it('reports found null separately from missing', () => {
    expect(readPath(value, ['obj', 'nested'])).toEqual({ found: true, value: null });
    expect(readPath(value, ['obj', 'nested', 'x'])).toEqual({ found: false, value: undefined });
    expect(readPath(value, ['list', 2]).found).toBe(false);
    expect(readPath(value, ['nope']).found).toBe(false);
  });

  it('does not walk into strings or inherited properties', () => {
    expect(readPath({ s: 'text' }, ['s', 'length']).found).toBe(false);
    expect(readPath({}, ['constructor']).found).toBe(false);
    expect(readPath({}, ['__proto__']).found).toBe(false);
    expect(readPath(['a'], ['length']).found).toBe(false);
  });
});
