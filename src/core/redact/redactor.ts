/**
 * Keeps secrets out of everything the engine writes (SPEC 3.6): secret values and the values of
 * sensitive headers are replaced by `[redacted]` wherever they occur, even inside a response that
 * echoed them.
 */

export const REDACTED = '[redacted]';

/** Header names whose values are treated as secrets. */
export const SENSITIVE_HEADER_NAME = /authorization|cookie|api[-_]?key|token|secret|password/i;

/**
 * Shorter values are not redacted: replacing every "ab" in every output would mangle data while
 * protecting nothing a guess could not find.
 */
export const MIN_REDACTED_LENGTH = 4;

/** A growing set of sensitive strings and the functions that scrub them out of values. */
export class Redactor {
  /** Longest first, so a value that contains another is replaced whole. */
  private secrets: string[] = [];

  constructor(initial: Iterable<string> = []) {
    for (const value of initial) this.add(value);
  }

  /** True when there is nothing to redact (the common case: scrubbing is then free). */
  get isEmpty(): boolean {
    return this.secrets.length === 0;
  }

  /** Registers a sensitive value; short or already known values are ignored. */
  add(value: string): void {
    if (value.length < MIN_REDACTED_LENGTH || this.secrets.includes(value)) return;
    this.secrets.push(value);
    this.secrets.sort((a, b) => b.length - a.length);
  }

  /** The text with every sensitive value replaced. */
  redactText(text: string): string {
    let result = text;
    for (const secret of this.secrets) {
      if (result.includes(secret)) result = result.split(secret).join(REDACTED);
    }
    return result;
  }

  /**
   * A deep copy of `value` with every string scrubbed, object keys included; the same reference
   * when nothing needed replacing, so clean values cost no allocation.
   */
  redact<T>(value: T): T {
    if (this.secrets.length === 0) return value;
    return this.scrub(value) as T;
  }

  private scrub(value: unknown): unknown {
    if (typeof value === 'string') return this.redactText(value);
    if (Array.isArray(value)) {
      let copy: unknown[] | null = null;
      for (let index = 0; index < value.length; index += 1) {
        const item: unknown = value[index];
        const scrubbed = this.scrub(item);
        if (scrubbed !== item && copy === null) copy = value.slice();
        if (copy !== null) copy[index] = scrubbed;
      }
      return copy ?? value;
    }
    if (value !== null && typeof value === 'object') {
      const entries = Object.entries(value);
      let changed = false;
      const scrubbed = entries.map(([key, item]): [string, unknown] => {
        const cleanKey = this.redactText(key);
        const cleanItem = this.scrub(item);
        if (cleanKey !== key || cleanItem !== item) changed = true;
        return [cleanKey, cleanItem];
      });
      return changed ? Object.fromEntries(scrubbed) : value;
    }
    return value;
  }
}

/**
 * The parts of a sensitive header value worth redacting: the value itself and, for
 * `<scheme> <credential>` values such as `Bearer abc`, the credential alone.
 */
export function sensitiveHeaderParts(value: string): string[] {
  const parts = [value];
  const space = value.indexOf(' ');
  if (space > 0) parts.push(value.slice(space + 1).trim());
  return parts;
}
