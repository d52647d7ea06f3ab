/**
 * Sets `record[key]` as an own, enumerable property. Plain assignment of `"__proto__"` would
 * replace the prototype instead, and names come from payloads and responses.
 */
export function setOwn(record: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(record, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else {
    record[key] = value;
  }
}
