/**
 * Finds where a JSON text first breaks the grammar (RFC 8259). JSON.parse does not always report
 * a position, so the error answer computes it here; runs only for bodies that failed to parse.
 * Iterative, so deeply nested input cannot exhaust the stack.
 */

/** Where and why a JSON text is invalid. */
export interface JsonSyntaxProblem {
  /** 0-based index into the text (UTF-16 code units, as JSON.parse counts). */
  position: number;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  /** e.g. `unexpected ","`, `unexpected end of input`. */
  reason: string;
}

const OBJECT = 1;
const ARRAY = 2;
type State = 'value' | 'valueOrEnd' | 'key' | 'keyOrEnd' | 'after';

/** The first syntax error of `text`, or null when it is valid JSON. */
export function findJsonSyntaxError(text: string): JsonSyntaxProblem | null {
  const stack: number[] = [];
  let state: State = 'value';
  let i = 0;
  for (;;) {
    i = skipWhitespace(text, i);
    if (i >= text.length)
      return state === 'after' && stack.length === 0 ? null : problemAt(text, i);
    const char = text[i];
    if (state === 'after') {
      const top = stack[stack.length - 1];
      if (top === undefined) return problemAt(text, i);
      if (char === ',') state = top === OBJECT ? 'key' : 'value';
      else if ((char === '}' && top === OBJECT) || (char === ']' && top === ARRAY)) stack.pop();
      else return problemAt(text, i);
      i += 1;
      continue;
    }
    if (state === 'keyOrEnd' || state === 'key') {
      if (state === 'keyOrEnd' && char === '}') {
        stack.pop();
        state = 'after';
        i += 1;
        continue;
      }
      if (char !== '"') return problemAt(text, i);
      const end = scanString(text, i);
      if (end < 0) return problemAt(text, -end - 1);
      i = skipWhitespace(text, end);
      if (text[i] !== ':') return problemAt(text, i);
      i += 1;
      state = 'value';
      continue;
    }
    if (state === 'valueOrEnd' && char === ']') {
      stack.pop();
      state = 'after';
      i += 1;
      continue;
    }
    const end = scanValueStart(text, i, stack);
    if (end < 0) return problemAt(text, -end - 1);
    state = char === '{' ? 'keyOrEnd' : char === '[' ? 'valueOrEnd' : 'after';
    i = end;
  }
}

/** Scans a scalar or opens a container; returns the index after it, or -(error index) - 1. */
function scanValueStart(text: string, i: number, stack: number[]): number {
  const char = text[i];
  if (char === '{' || char === '[') {
    stack.push(char === '{' ? OBJECT : ARRAY);
    return i + 1;
  }
  if (char === '"') return scanString(text, i);
  if (char === '-' || (char !== undefined && char >= '0' && char <= '9'))
    return scanNumber(text, i);
  for (const literal of ['true', 'false', 'null']) {
    if (char !== literal[0]) continue;
    for (let k = 1; k < literal.length; k += 1) if (text[i + k] !== literal[k]) return -(i + k) - 1;
    return i + literal.length;
  }
  return -i - 1;
}

function scanString(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (code === 34) return i + 1;
    if (code < 0x20) return -i - 1;
    if (code === 92) {
      const escape = text[i + 1];
      if (escape === 'u') {
        for (let k = 2; k < 6; k += 1)
          if (!/[0-9a-fA-F]/.test(text[i + k] ?? '')) return -(i + k) - 1;
        i += 6;
        continue;
      }
      if (escape === undefined || !'"\\/bfnrt'.includes(escape)) return -(i + 1) - 1;
      i += 2;
      continue;
    }
    i += 1;
  }
  return -text.length - 1;
}

function scanNumber(text: string, start: number): number {
  let i = start;
  if (text[i] === '-') i += 1;
  if (text[i] === '0') i += 1;
  else if (isDigit(text[i])) while (isDigit(text[i])) i += 1;
  else return -i - 1;
  if (text[i] === '.') {
    i += 1;
    if (!isDigit(text[i])) return -i - 1;
    while (isDigit(text[i])) i += 1;
  }
  if (text[i] === 'e' || text[i] === 'E') {
    i += 1;
    if (text[i] === '+' || text[i] === '-') i += 1;
    if (!isDigit(text[i])) return -i - 1;
    while (isDigit(text[i])) i += 1;
  }
  return i;
}

function isDigit(char: string | undefined): boolean {
  return char !== undefined && char >= '0' && char <= '9';
}

function skipWhitespace(text: string, start: number): number {
  let i = start;
  for (;;) {
    const code = text.charCodeAt(i);
    if (code !== 32 && code !== 9 && code !== 10 && code !== 13) return i;
    i += 1;
  }
}

function problemAt(text: string, position: number): JsonSyntaxProblem {
  let line = 1;
  let lineStart = 0;
  for (
    let index = text.indexOf('\n');
    index !== -1 && index < position;
    index = text.indexOf('\n', index + 1)
  ) {
    line += 1;
    lineStart = index + 1;
  }
  const char = text[position];
  const reason =
    char === undefined ? 'unexpected end of input' : `unexpected ${JSON.stringify(char)}`;
  return { position, line, column: position - lineStart + 1, reason };
}
