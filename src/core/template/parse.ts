/**
 * Splits one string into literal text and `{{ expr }}` placeholders, and parses each expression:
 * `path (?? path)* (?? literal)?`, or a literal alone.
 */
import { TemplateError } from '../errors.js';
import { isNameChar, isSpace, readQuoted } from './chars.js';
import { describeChar, scanPath, type PathSegment } from './path.js';

/** A JSON scalar written in an expression: `"text"`, `'text'`, `12.5`, `true`, `false`, `null`. */
export type LiteralValue = string | number | boolean | null;

/** One alternative of a placeholder. */
export type Term =
  | { kind: 'path'; text: string; base: string; segments: PathSegment[] }
  | { kind: 'literal'; value: LiteralValue };

/** One `{{ }}` inside a string. */
export interface Placeholder {
  /** Offset of `{{` in the string. */
  start: number;
  /** The placeholder as written, braces included; what `keep` leaves in place. */
  raw: string;
  /** The text between the braces, trimmed. */
  expression: string;
  terms: Term[];
}

/** A string as literal pieces around placeholders: `literals.length === placeholders.length + 1`. */
export interface ParsedString {
  literals: string[];
  placeholders: Placeholder[];
}

const NUMBER = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const KEYWORDS: Record<string, LiteralValue> = { true: true, false: false, null: null };

/**
 * Parses `text` (which contains `{{`). A run of three or more `{` opens the placeholder at the
 * last two, so `{"a":{{x}}}` keeps its JSON braces.
 *
 * @throws TemplateError `TEMPLATE_SYNTAX` with the string's pointer and the 0-based position.
 */
export function parseTemplateString(text: string, pointer: string): ParsedString {
  const literals: string[] = [];
  const placeholders: Placeholder[] = [];
  let literalStart = 0;
  let open = text.indexOf('{{');
  while (open >= 0) {
    while (text.charCodeAt(open + 2) === 0x7b /* { */) open++;
    const parser = new ExpressionParser(text, open, pointer);
    const { terms, end } = parser.parse();
    literals.push(text.slice(literalStart, open));
    placeholders.push({
      start: open,
      raw: text.slice(open, end),
      expression: text.slice(open + 2, end - 2).trim(),
      terms,
    });
    literalStart = end;
    open = text.indexOf('{{', end);
  }
  literals.push(text.slice(literalStart));
  return { literals, placeholders };
}

class ExpressionParser {
  private i: number;

  constructor(
    private readonly text: string,
    private readonly open: number,
    private readonly pointer: string,
  ) {
    this.i = open + 2;
  }

  parse(): { terms: Term[]; end: number } {
    const terms: Term[] = [];
    for (;;) {
      this.skipSpace();
      if (this.atClose()) {
        this.fail(
          this.i,
          terms.length === 0
            ? 'empty expression'
            : 'expected a path or a literal after "??", got "}}"',
        );
      }
      if (this.i >= this.text.length) this.fail(this.open, 'unclosed "{{"');
      terms.push(this.parseTerm());
      this.skipSpace();
      if (this.atClose()) return { terms, end: this.i + 2 };
      if (this.i >= this.text.length) this.fail(this.open, 'unclosed "{{"');
      if (this.text.startsWith('??', this.i)) {
        if (terms[terms.length - 1]?.kind === 'literal') {
          this.fail(this.i, 'a literal must be the last alternative');
        }
        this.i += 2;
        continue;
      }
      this.fail(this.i, `expected "??" or "}}", got ${describeChar(this.text, this.i)}`);
    }
  }

  private parseTerm(): Term {
    const { text } = this;
    const start = this.i;
    const code = text.charCodeAt(start);
    if (code === 0x22 /* " */ || code === 0x27 /* ' */) {
      const quoted = readQuoted(text, start);
      if (!quoted.ok) this.fail(quoted.position, quoted.reason);
      this.i = quoted.end;
      return { kind: 'literal', value: quoted.value };
    }
    // The number pattern runs only where a number can start; most terms are paths.
    if (code === 0x2d /* - */ || (code >= 0x30 && code <= 0x39)) {
      NUMBER.lastIndex = start;
      if (NUMBER.test(text) && !continuesPath(text.charCodeAt(NUMBER.lastIndex))) {
        this.i = NUMBER.lastIndex;
        return { kind: 'literal', value: Number(text.slice(start, this.i)) };
      }
    }
    const scan = scanPath(text, start);
    if (!scan.ok) this.fail(scan.position, scan.reason);
    this.i = scan.end;
    const pathText = text.slice(start, scan.end);
    if ((pathText.length === 4 || pathText.length === 5) && Object.hasOwn(KEYWORDS, pathText)) {
      return { kind: 'literal', value: KEYWORDS[pathText] ?? null };
    }
    const base = scan.segments[0];
    if (typeof base !== 'string') {
      this.fail(start, `a path must start with a variable name, got ${pathText}`);
    }
    return { kind: 'path', text: pathText, base, segments: scan.segments };
  }

  private skipSpace(): void {
    while (this.i < this.text.length && isSpace(this.text.charCodeAt(this.i))) this.i++;
  }

  private atClose(): boolean {
    return this.text.charCodeAt(this.i) === 0x7d && this.text.charCodeAt(this.i + 1) === 0x7d;
  }

  private fail(position: number, reason: string): never {
    const { text, open, pointer } = this;
    const close = text.indexOf('}}', open + 2);
    const expression = text.slice(open, close < 0 ? undefined : close + 2);
    throw new TemplateError(
      'TEMPLATE_SYNTAX',
      `${pointer || '/'}: template syntax error at position ${position}: ${reason}` +
        ` (in ${JSON.stringify(excerpt(expression))})`,
      { expression, pointer, position },
    );
  }
}

function continuesPath(code: number): boolean {
  return isNameChar(code) || code === 0x2e /* . */ || code === 0x5b; /* [ */
}

/** Keeps error messages readable when a string is long. */
export function excerpt(text: string, limit = 80): string {
  return text.length <= limit ? text : `${text.slice(0, limit)}...`;
}
