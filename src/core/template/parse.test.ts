import { describe, expect, it } from 'vitest';
import { TemplateError } from '../errors.js';
import { compileTemplate } from './index.js';

function syntaxError(value: unknown, maxLength = 1_000): TemplateError {
  try {
    compileTemplate(value, { pointer: '/headers', maxLength });
  } catch (error) {
    expect(error).toBeInstanceOf(TemplateError);
    expect((error as TemplateError).code).toBe('TEMPLATE_SYNTAX');
    return error as TemplateError;
  }
  throw new Error('expected a TemplateError');
}

describe('syntax errors', () => {
  it.each([
    ['Bearer {{token', 7, 'unclosed "{{"'],
    ['{{ a.b ', 0, 'unclosed "{{"'],
    ['x {{}}', 4, 'empty expression'],
    ['{{   }}', 5, 'empty expression'],
    ['{{ a ?? }}', 8, 'expected a path or a literal after "??"'],
    ['{{ a b }}', 5, 'expected "??" or "}}", got "b"'],
    ['{{ a } }}', 5, 'expected "??" or "}}", got "}"'],
    ['{{ a..b }}', 5, 'expected a name after "."'],
    ['{{ a[x] }}', 5, 'expected an index or a quoted key'],
    ['{{ a["k }}', 5, 'unterminated string'],
    ['{{ a ?? "text }}', 8, 'unterminated string'],
    ["{{ 'it''s' }}", 7, 'expected "??" or "}}"'],
    ['{{ "lit" ?? a }}', 9, 'a literal must be the last alternative'],
    ['{{ [0] }}', 3, 'a path must start with a variable name'],
    ['{{ ?x }}', 3, 'expected a name, got "?"'],
  ])('%j fails at position %i', (text, position, reason) => {
    const error = syntaxError({ Authorization: text });
    expect(error.details?.position).toBe(position);
    expect(error.details?.pointer).toBe('/headers/Authorization');
    expect(error.message).toContain(
      `/headers/Authorization: template syntax error at position ${position}: ${reason}`,
    );
  });

  it('reports the placeholder as the expression', () => {
    const error = syntaxError({ a: 'x {{ a b }} y' });
    expect(error.details?.expression).toBe('{{ a b }}');
    expect(error.message).toContain('(in "{{ a b }}")');
  });

  it('refuses a templated string longer than the limit, naming the limit', () => {
    const text = `{{a}}${'x'.repeat(20)}`;
    const error = syntaxError({ body: text }, 10);
    expect(error.message).toBe(
      '/headers/body: a string with placeholders may be at most 10 characters long, got 25',
    );
  });

  it('accepts long strings without placeholders and strings at the limit', () => {
    const long = 'y'.repeat(50);
    expect(compileTemplate(long, { pointer: '', maxLength: 10 }).isStatic).toBe(true);
    expect(compileTemplate('{{a}}67890', { pointer: '', maxLength: 10 }).isStatic).toBe(false);
  });

  it('treats a lone "{" or "}}" as literal text', () => {
    for (const text of ['{', '}}', 'a { b } c }} d', '{ {a} }']) {
      expect(compileTemplate(text, { pointer: '', maxLength: 100 }).isStatic).toBe(true);
    }
  });
});
