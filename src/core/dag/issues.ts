/**
 * Collects validation issues and words their values. Every check appends here, so one pass
 * reports every problem; the cap keeps a junk payload from producing an unbounded answer.
 */
import type { ValidationIssue } from '../errors.js';

/** Most issues kept for one payload; one more issue says that others were left out. */
export const MAX_ISSUES = 1_000;

/** Accumulates issues up to {@link MAX_ISSUES}. */
export class IssueList {
  readonly issues: ValidationIssue[] = [];
  private overflowed = false;

  /** Adds one issue; `path` is a JSON pointer into the payload. */
  add(path: string, code: string, message: string): void {
    if (this.issues.length < MAX_ISSUES) this.issues.push({ path, code, message });
    else this.overflowed = true;
  }

  /** True while no problem was found. */
  get isEmpty(): boolean {
    return this.issues.length === 0;
  }

  /** True once an issue was refused for the cap: further checks can stop early. */
  get isFull(): boolean {
    return this.overflowed;
  }

  /** The issues, plus a last one saying that more were left out, if any were. */
  finish(): ValidationIssue[] {
    if (!this.overflowed) return this.issues;
    // Checks stop at the cap, so how many more there would be is not known.
    return [
      ...this.issues,
      { path: '', code: 'too_many_issues', message: 'more problems were found and not listed' },
    ];
  }
}

/** JSON type name of a value as a person reads it: `null`, `array`, `object`, `string`, ... */
export function jsonTypeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (value === undefined) return 'nothing';
  return typeof value;
}

/** A short rendering of a received value for a message: strings quoted, containers by type. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) {
    return String(value);
  }
  return jsonTypeOf(value);
}

/** A string in double quotes, shortened so one long value cannot flood a message. */
export function quote(text: string, limit = 80): string {
  const shown = text.length > limit ? `${text.slice(0, limit)}...` : text;
  return JSON.stringify(shown);
}

/** `"a", "b", "c" and 7 more`: a few names out of many. */
export function listNames(names: readonly string[], limit = 5): string {
  const shown = names.slice(0, limit).map((name) => quote(name));
  const rest = names.length - shown.length;
  return rest > 0 ? `${shown.join(', ')} and ${rest} more` : shown.join(', ');
}

/** Pointer of step `index` in STEPS_CONFIG. */
export function stepPointer(index: number): string {
  return `/STEPS_CONFIG/${index}`;
}
