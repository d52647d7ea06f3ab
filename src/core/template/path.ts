/**
 * Paths into JSON values: `a.b`, `a.items[0].text`, `a["key with space"]`, `a['k']`,
 * `choices[0].message.content`. Used by templates (`{{ path }}`) and by output_mapping.
 */
import { TemplateError } from '../errors.js';
import { isNameChar, readQuoted } from './chars.js';

/** One step of a path: an object key (string) or an array index (number). */
export type PathSegment = string | number;

/** Result of parsing a path that starts inside a longer text. */
export type PathScan =
  | { ok: true; segments: PathSegment[]; end: number }
  | { ok: false; position: number; reason: string };

/**
 * Parses a path that starts at `start` inside `text` and stops at the first character that
 * cannot continue it (whitespace, `?`, `}`, ...). Positions in failures are offsets in `text`.
 */
export function scanPath(text: string, start: number): PathScan {
  const segments: PathSegment[] = [];
  let i = start;
  // The first segment is a bare name or a bracket; later bare names need a leading dot.
  if (i < text.length && text.charCodeAt(i) !== 0x5b /* [ */) {
    const nameEnd = scanName(text, i);
    if (nameEnd === i) {
      return { ok: false, position: i, reason: `expected a name, got ${describeChar(text, i)}` };
    }
    segments.push(text.slice(i, nameEnd));
    i = nameEnd;
  }
  for (;;) {
    const code = text.charCodeAt(i);
    if (code === 0x2e /* . */) {
      const nameEnd = scanName(text, i + 1);
      if (nameEnd === i + 1) {
        return {
          ok: false,
          position: i + 1,
          reason: `expected a name after ".", got ${describeChar(text, i + 1)}`,
        };
      }
      segments.push(text.slice(i + 1, nameEnd));
      i = nameEnd;
    } else if (code === 0x5b /* [ */) {
      const bracket = scanBracket(text, i);
      if (!bracket.ok) return bracket;
      segments.push(bracket.segment);
      i = bracket.end;
    } else {
      break;
    }
  }
  if (segments.length === 0) {
    return { ok: false, position: i, reason: `expected a path, got ${describeChar(text, i)}` };
  }
  return { ok: true, segments, end: i };
}

type BracketScan =
  { ok: true; segment: PathSegment; end: number } | { ok: false; position: number; reason: string };

function scanBracket(text: string, open: number): BracketScan {
  let i = open + 1;
  let segment: PathSegment;
  const code = text.charCodeAt(i);
  if (code === 0x22 /* " */ || code === 0x27 /* ' */) {
    const quoted = readQuoted(text, i);
    if (!quoted.ok) return quoted;
    segment = quoted.value;
    i = quoted.end;
  } else if (code >= 0x30 && code <= 0x39) {
    while (i < text.length && text.charCodeAt(i) >= 0x30 && text.charCodeAt(i) <= 0x39) i++;
    const index = Number(text.slice(open + 1, i));
    if (!Number.isSafeInteger(index)) {
      return { ok: false, position: open + 1, reason: 'array index is too large' };
    }
    segment = index;
  } else {
    return {
      ok: false,
      position: i,
      reason: `expected an index or a quoted key after "[", got ${describeChar(text, i)}`,
    };
  }
  if (text.charCodeAt(i) !== 0x5d /* ] */) {
    return { ok: false, position: i, reason: `expected "]", got ${describeChar(text, i)}` };
  }
  return { ok: true, segment, end: i + 1 };
}

function scanName(text: string, start: number): number {
  let i = start;
  while (i < text.length && isNameChar(text.charCodeAt(i))) i++;
  return i;
}

/** Names a character for an error message: `"x"` or `end of text`. */
export function describeChar(text: string, position: number): string {
  const char = text[position];
  return char === undefined ? 'end of text' : JSON.stringify(char);
}

/**
 * Parses a whole path such as `choices[0].message.content`.
 *
 * A bare name may hold any characters except whitespace and `. [ ] { } ? " '`; other keys are
 * written in brackets with single or double quotes (JSON escapes allowed). `[n]` gives a number
 * segment; `.0` gives the string segment `"0"` (which {@link readPath} also accepts as an index).
 *
 * @param pointer JSON pointer of the text, prefixed to error messages; default none.
 * @throws TemplateError `TEMPLATE_SYNTAX` naming the position (0-based) of the first problem.
 */
export function parsePath(text: string, pointer = ''): PathSegment[] {
  const scan = scanPath(text, 0);
  let position: number;
  let reason: string;
  if (scan.ok && scan.end === text.length) return scan.segments;
  if (scan.ok) {
    position = scan.end;
    reason = `unexpected ${describeChar(text, scan.end)}`;
  } else {
    position = scan.position;
    reason = scan.reason;
  }
  const where = pointer === '' ? '' : `${pointer}: `;
  throw new TemplateError(
    'TEMPLATE_SYNTAX',
    `${where}invalid path ${JSON.stringify(text)} at position ${position}: ${reason}`,
    { expression: text, pointer, position },
  );
}

/** Prints segments as a path that {@link parsePath} reads back to the same segments. */
export function formatPath(segments: readonly PathSegment[]): string {
  let out = '';
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i];
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (segment !== undefined && isBareName(segment)) out += i === 0 ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

function isBareName(text: string): boolean {
  return text.length > 0 && scanName(text, 0) === text.length;
}

/** Marker for "nothing at this path", so the hot path allocates no result objects. */
export const MISSING: unique symbol = Symbol('missing');

/**
 * Walks `value` along `segments` from index `startAt`; returns {@link MISSING} when a step has
 * nothing. Only own properties are read, so `constructor` or `__proto__` never leak in.
 */
export function readPathOrMissing(
  value: unknown,
  segments: readonly PathSegment[],
  startAt: number,
): unknown {
  let current = value;
  for (let i = startAt; i < segments.length; i++) {
    const segment = segments[i];
    if (current === null || typeof current !== 'object' || segment === undefined) return MISSING;
    if (Array.isArray(current)) {
      const index = typeof segment === 'number' ? segment : arrayIndex(segment);
      if (index < 0 || index >= current.length) return MISSING;
      current = current[index] as unknown;
    } else {
      const key = typeof segment === 'number' ? String(segment) : segment;
      if (!Object.hasOwn(current, key)) return MISSING;
      current = (current as Record<string, unknown>)[key];
    }
  }
  return current;
}

/** A canonical decimal index (`"0"`, `"12"`, not `"01"`), or -1. */
function arrayIndex(key: string): number {
  const length = key.length;
  if (length === 0 || length > 15) return -1;
  if (length > 1 && key.charCodeAt(0) === 0x30) return -1;
  let index = 0;
  for (let i = 0; i < length; i++) {
    const digit = key.charCodeAt(i) - 0x30;
    if (digit < 0 || digit > 9) return -1;
    index = index * 10 + digit;
  }
  return index;
}

/**
 * Reads the value at `segments` (from index `startAt`, default 0) inside `value`.
 * Number segments index arrays and also read the same key on objects; string segments that are
 * canonical decimal numbers (`"0"`) index arrays too. Only own properties are read.
 *
 * @returns `found: false` (and `value: undefined`) when any step of the path has nothing.
 */
export function readPath(
  value: unknown,
  segments: readonly PathSegment[],
  startAt = 0,
): { found: boolean; value: unknown } {
  const result = readPathOrMissing(value, segments, startAt);
  return result === MISSING ? { found: false, value: undefined } : { found: true, value: result };
}
