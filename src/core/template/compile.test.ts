import { describe, expect, it } from 'vitest';
import { TemplateError } from '../errors.js';
import type { OnMissingMode } from '../payload/schema.js';
import { compileTemplate, referencedVariables, type TemplateScope } from './index.js';

const variables: Record<string, unknown> = {
  original_input: 'Input data',
  user: { name: 'Ada', tags: ['x', 'y'], 'full name': 'Ada L', age: 36, admin: true },
  items: [{ text: 'first' }, { text: 'second' }],
  step_1_result: 'plain LLM text',
  count: 42,
  flag: false,
  nothing: null,
  base_url: 'https://api.example.com',
  query: 'a b&c/d',
  secrets: { API_KEY: 'sk-123' },
  run: { id: 'run-1', attempt: 2 },
};

const scope: TemplateScope = {
  lookup: (name) => (Object.hasOwn(variables, name) ? variables[name] : undefined),
};

function render(
  value: unknown,
  onMissing: OnMissingMode = 'error',
  options: { urlEncode?: boolean; pointer?: string } = {},
): unknown {
  return compileTemplate(value, {
    pointer: options.pointer ?? '/input_prep_config/mapping',
    urlEncode: options.urlEncode ?? false,
    maxLength: 10_000,
  }).render(scope, onMissing);
}

function templateError(run: () => unknown): TemplateError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(TemplateError);
    return error as TemplateError;
  }
  throw new Error('expected a TemplateError');
}

describe('paths', () => {
  it('reads dots, indexes and quoted keys', () => {
    expect(render('{{user.name}}')).toBe('Ada');
    expect(render('{{items[1].text}}')).toBe('second');
    expect(render('{{user["full name"]}}')).toBe('Ada L');
    expect(render("{{user['tags'][0]}}")).toBe('x');
    expect(render('{{secrets.API_KEY}}')).toBe('sk-123');
    expect(render('{{run.attempt}}')).toBe(2);
  });

  it('allows whitespace inside the braces', () => {
    expect(render('{{   user.name \t}}')).toBe('Ada');
  });
});

describe('whole-string placeholders', () => {
  it('preserve the type of objects, arrays, numbers, booleans and null', () => {
    expect(render('{{user}}')).toBe(variables.user);
    expect(render('{{items}}')).toBe(variables.items);
    expect(render('{{count}}')).toBe(42);
    expect(render('{{flag}}')).toBe(false);
    expect(render('{{user.admin}}')).toBe(true);
    expect(render('{{nothing}}')).toBeNull();
  });

  it('do not apply when text surrounds the braces', () => {
    expect(render(' {{count}}')).toBe(' 42');
  });
});

describe('placeholders inside longer strings', () => {
  it('insert objects and arrays as JSON and other values as text', () => {
    expect(render('u={{user.tags}} i={{items[0]}}')).toBe('u=["x","y"] i={"text":"first"}');
    expect(render('{{count}}/{{flag}}/{{nothing}}/{{original_input}}')).toBe(
      '42/false/null/Input data',
    );
  });

  it('keep literal braces around a placeholder', () => {
    expect(render('{"n":{{count}}}')).toBe('{"n":42}');
    expect(render('{{{count}}}')).toBe('{42}');
    expect(render('a } b }} c {')).toBe('a } b }} c {');
  });

  it('write literal braces through a string literal', () => {
    expect(render('{{ "{{" }}x}}')).toBe('{{x}}');
  });
});

describe('smart primitive rule', () => {
  it('uses a primitive base value when the path goes deeper', () => {
    expect(render('{{step_1_result.content[0].text}}')).toBe('plain LLM text');
    expect(render('n={{count.value}}')).toBe('n=42');
  });

  it('does not apply below the base', () => {
    expect(render('{{user.name.first}}', 'keep')).toBe('{{user.name.first}}');
  });
});

describe('coalescing', () => {
  it('takes the first alternative that resolves', () => {
    expect(render('{{ missing ?? user.name ?? "x" }}')).toBe('Ada');
    expect(render('{{missing??count}}')).toBe(42);
  });

  it('falls back to a literal of any JSON scalar type', () => {
    expect(render('{{ missing ?? "default text" }}')).toBe('default text');
    expect(render("{{ missing ?? 'single' }}")).toBe('single');
    expect(render('{{ missing ?? -1.5e2 }}')).toBe(-150);
    expect(render('{{ missing ?? true }}')).toBe(true);
    expect(render('{{ missing ?? null }}')).toBeNull();
  });

  it('skips null values but returns null when nothing better exists', () => {
    expect(render('{{ nothing ?? count }}')).toBe(42);
    expect(render('{{ nothing ?? missing }}')).toBeNull();
  });

  it('treats an alternative whose path is missing as missing under every mode', () => {
    expect(render('{{ missing ?? other }}', 'keep')).toBe('{{ missing ?? other }}');
    expect(render('x{{ missing ?? other }}', 'empty')).toBe('x');
  });
});

describe('URL encoding', () => {
  const url = (text: string, onMissing: OnMissingMode = 'error'): unknown =>
    render(text, onMissing, { urlEncode: true, pointer: '/service_url' });

  it('encodes inserted values but not a placeholder that starts the string', () => {
    expect(url('{{base_url}}/search?q={{query}}&u={{user.tags}}')).toBe(
      'https://api.example.com/search?q=a%20b%26c%2Fd&u=%5B%22x%22%2C%22y%22%5D',
    );
    expect(url('https://x.test/{{base_url}}')).toBe('https://x.test/https%3A%2F%2Fapi.example.com');
  });

  it('leaves kept placeholders as written', () => {
    expect(url('https://x.test/{{missing}}', 'keep')).toBe('https://x.test/{{missing}}');
  });

  it('encodes lone surrogates as the replacement character instead of failing', () => {
    variables.broken = 'a\uD800b';
    try {
      expect(url('https://x.test/{{broken}}')).toBe('https://x.test/a%EF%BF%BDb');
    } finally {
      delete variables.broken;
    }
  });
});

describe('on_missing', () => {
  it('error names the variable and the pointer of the exact string', () => {
    const error = templateError(() => render({ text: 'Hi {{missing}}' }));
    expect(error.code).toBe('TEMPLATE_UNRESOLVED');
    expect(error.message).toBe('unresolved variable missing in /input_prep_config/mapping/text');
    expect(error.details).toEqual({
      expression: 'missing',
      pointer: '/input_prep_config/mapping/text',
      variable: 'missing',
    });
  });

  it('error escapes ~ and / in pointers and walks arrays', () => {
    const error = templateError(() => render({ 'a/b~c': [1, '{{missing}}'] }));
    expect(error.details?.pointer).toBe('/input_prep_config/mapping/a~1b~0c/1');
  });

  it('error says where an existing variable runs out', () => {
    expect(templateError(() => render('{{user.address.city}}')).message).toBe(
      'unresolved variable user.address.city in /input_prep_config/mapping (user has no "address")',
    );
    expect(templateError(() => render('{{items[5].text}}')).message).toContain(
      '(items has no index 5 (length 2))',
    );
    expect(templateError(() => render('{{nothing.x}}')).message).toContain('(nothing is null)');
    expect(
      templateError(() => render('{{secrets.OTHER}}', 'error', { pointer: '/headers/X' })).message,
    ).toBe('unresolved variable secrets.OTHER in /headers/X (secrets has no "OTHER")');
  });

  it('error names every alternative of a coalescing chain', () => {
    const error = templateError(() => render('{{ a ?? b.c }}'));
    expect(error.message).toBe('unresolved variable a ?? b.c in /input_prep_config/mapping');
    expect(error.details?.variable).toBe('a');
  });

  it('keep leaves the placeholder text as written', () => {
    expect(render('{{ missing }}', 'keep')).toBe('{{ missing }}');
    expect(render('Hi {{missing.x}}!', 'keep')).toBe('Hi {{missing.x}}!');
  });

  it('empty inserts an empty string, also for a whole-string placeholder', () => {
    expect(render('{{missing}}', 'empty')).toBe('');
    expect(render('Hi {{missing}}!', 'empty')).toBe('Hi !');
  });
});

describe('walking values', () => {
  it('templates nested values but never object keys', () => {
    expect(
      render({ '{{count}}': '{{count}}', list: ['{{flag}}', { x: '{{user.name}}' }] }),
    ).toEqual({ '{{count}}': 42, list: [false, { x: 'Ada' }] });
  });

  it('returns static values themselves, not copies', () => {
    const value = { a: [1, 'text', { b: null }], c: 'no braces }}' };
    const compiled = compileTemplate(value, { pointer: '', maxLength: 100 });
    expect(compiled.isStatic).toBe(true);
    expect(compiled.render(scope, 'error')).toBe(value);
    for (const scalar of [3, true, null, 'plain']) {
      expect(compileTemplate(scalar, { pointer: '', maxLength: 100 }).render(scope, 'error')).toBe(
        scalar,
      );
    }
  });

  it('copies only the containers on the way to a placeholder', () => {
    const shared = { deep: [1, 2] };
    const value = { a: shared, b: ['{{count}}', shared] };
    const out = compileTemplate(value, { pointer: '', maxLength: 100 }).render(scope, 'error') as {
      a: unknown;
      b: unknown[];
    };
    expect(out).not.toBe(value);
    expect(out.a).toBe(shared);
    expect(out.b[1]).toBe(shared);
    expect(out.b[0]).toBe(42);
    expect(value.b[0]).toBe('{{count}}');
  });

  it('sets a "__proto__" key as data without changing the prototype', () => {
    const value: unknown = JSON.parse('{"__proto__": "{{count}}"}');
    const out = compileTemplate(value, { pointer: '', maxLength: 100 }).render(scope, 'error');
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.hasOwn(out as object, '__proto__')).toBe(true);
    expect((out as Record<string, unknown>)['__proto__']).toBe(42);
  });

  it('lists the referenced base variables once, in order', () => {
    const compiled = compileTemplate(
      { a: '{{user.name}} {{secrets.X ?? run.id ?? "z"}}', b: ['{{user}}', '{{ "lit" }}'] },
      { pointer: '', maxLength: 100 },
    );
    expect(referencedVariables(compiled)).toEqual(['user', 'secrets', 'run']);
  });
});
