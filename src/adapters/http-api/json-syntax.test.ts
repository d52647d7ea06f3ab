import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findJsonSyntaxError } from './json-syntax.js';

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

describe('findJsonSyntaxError', () => {
  it('accepts every serialised JSON value, compact or indented', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom(0, 2), (value, indent) => {
        expect(findJsonSyntaxError(JSON.stringify(value, null, indent))).toBeNull();
      }),
    );
  });

  it('agrees with JSON.parse on arbitrary and mutated texts', () => {
    const mutated = fc
      .tuple(
        fc.json(),
        fc.nat(),
        fc.constantFrom('', ',', '}', ']', '"', ':', '-', '0', 'e', '\\', ' ', '\n', 'tru'),
      )
      .map(
        ([text, at, insert]) =>
          text.slice(0, at % (text.length + 1)) + insert + text.slice(at % (text.length + 1)),
      );
    fc.assert(
      fc.property(fc.oneof(fc.string(), mutated), (text) => {
        expect(findJsonSyntaxError(text) === null).toBe(parses(text));
      }),
      { numRuns: 2000 },
    );
  });

  it('points at the first offending character with its line and column', () => {
    expect(findJsonSyntaxError('{\n  "a": [1,]\n}')).toEqual({
      position: 12,
      line: 2,
      column: 11,
      reason: 'unexpected "]"',
    });
    expect(findJsonSyntaxError('{"a": ')).toEqual({
      position: 6,
      line: 1,
      column: 7,
      reason: 'unexpected end of input',
    });
    expect(findJsonSyntaxError('{"a": 01}')?.position).toBe(7);
    expect(findJsonSyntaxError('"\\x"')?.position).toBe(2);
    expect(findJsonSyntaxError('[nul]')?.position).toBe(4);
  });

  it('handles nesting deeper than the call stack', () => {
    const deep = '['.repeat(200_000) + ']'.repeat(200_000);
    expect(findJsonSyntaxError(deep)).toBeNull();
    expect(findJsonSyntaxError(deep.slice(0, -1))?.reason).toBe('unexpected end of input');
  });
});
