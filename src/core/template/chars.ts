/** Character classes and quoted-text reading shared by the path and expression parsers. */

/** Characters that end a bare name: `. [ ] { } ? " '`. */
const NAME_STOPS = [0x2e, 0x5b, 0x5d, 0x7b, 0x7d, 0x3f, 0x22, 0x27];

/** 1 for each ASCII character allowed in a bare name; names are scanned char by char. */
const ASCII_NAME_CHARS = new Uint8Array(128).map((_, code) =>
  code < 0x21 || code === 0x7f || NAME_STOPS.includes(code) ? 0 : 1,
);

/** Whitespace as `String.prototype.trim` sees it. */
export function isSpace(code: number): boolean {
  if (code <= 0x20) return code === 0x20 || (code >= 0x09 && code <= 0x0d);
  if (code < 0xa0) return false;
  return (
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}

/** True for a character that may appear in a bare path name. */
export function isNameChar(code: number): boolean {
  // Control characters (and space) are refused so a name never hides invisible bytes.
  if (code < 0x80) return ASCII_NAME_CHARS[code] === 1;
  return !isSpace(code);
}

/** Result of reading a quoted string. */
export type QuotedScan =
  { ok: true; value: string; end: number } | { ok: false; position: number; reason: string };

const SIMPLE_ESCAPES: Record<string, string> = {
  '"': '"',
  "'": "'",
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

/**
 * Reads a string in single or double quotes starting at `open` (the quote), with JSON escapes
 * plus `\'`. `end` is the offset just past the closing quote.
 */
export function readQuoted(text: string, open: number): QuotedScan {
  const quote = text.charCodeAt(open);
  let value = '';
  let chunkStart = open + 1;
  let i = open + 1;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (code === quote) {
      return { ok: true, value: value + text.slice(chunkStart, i), end: i + 1 };
    }
    if (code !== 0x5c /* \ */) {
      i++;
      continue;
    }
    value += text.slice(chunkStart, i);
    const escape = text[i + 1];
    if (escape === 'u') {
      const hex = text.slice(i + 2, i + 6);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
        return { ok: false, position: i, reason: 'expected 4 hex digits after "\\u"' };
      }
      value += String.fromCharCode(parseInt(hex, 16));
      i += 6;
    } else if (escape !== undefined && Object.hasOwn(SIMPLE_ESCAPES, escape)) {
      value += SIMPLE_ESCAPES[escape];
      i += 2;
    } else {
      return {
        ok: false,
        position: i,
        reason:
          escape === undefined
            ? `unterminated string starting at position ${open}`
            : `unknown escape "\\${escape}"`,
      };
    }
    chunkStart = i;
  }
  return { ok: false, position: open, reason: 'unterminated string' };
}
