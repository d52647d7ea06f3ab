import { ConfigError } from '../../../core/errors.js';

/**
 * Checks an integer option of a store: `undefined` gives `fallback`, anything but an integer
 * >= 1 throws a `ConfigError` naming the store and the option.
 */
export function positiveInteger(
  store: string,
  name: string,
  value: number | undefined,
  fallback: number,
): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) {
    throw new ConfigError(`${store} store: ${name} must be an integer >= 1, got ${String(value)}`);
  }
  return value;
}

/** Checks a non-empty string option; `undefined` gives `fallback` when there is one. */
export function nonEmptyString(
  store: string,
  name: string,
  value: string | undefined,
  fallback?: string,
): string {
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== 'string' || value.length === 0) {
    const got = value === undefined ? 'nothing' : JSON.stringify(value);
    throw new ConfigError(`${store} store: ${name} must be a non-empty string, got ${got}`);
  }
  return value;
}
