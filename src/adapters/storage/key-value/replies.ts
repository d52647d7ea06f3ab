/** Narrowing of raw command replies, which differ a little between ioredis and Upstash. */

/** A GET reply: the string, or null for a missing key. */
export function asOptionalString(reply: unknown): string | null {
  if (reply === null || reply === undefined) return null;
  if (typeof reply === 'string') return reply;
  throw new Error(`expected a string reply, got ${describeReply(reply)}`);
}

/** A list reply (ZRANGE...): every element a string. */
export function asStrings(reply: unknown): string[] {
  if (reply === null || reply === undefined) return [];
  if (!Array.isArray(reply)) throw new Error(`expected a list reply, got ${describeReply(reply)}`);
  for (const item of reply) {
    if (typeof item !== 'string')
      throw new Error(`expected string members, got ${describeReply(item)}`);
  }
  return reply as string[];
}

/** An HGETALL reply: ioredis gives an object, the REST protocol a flat field/value list. */
export function asHash(reply: unknown): Map<string, string> {
  const hash = new Map<string, string>();
  if (reply === null || reply === undefined) return hash;
  if (Array.isArray(reply)) {
    for (let i = 0; i + 1 < reply.length; i += 2) {
      const field: unknown = reply[i];
      const value: unknown = reply[i + 1];
      if (typeof field !== 'string' || typeof value !== 'string') {
        throw new Error(`expected string hash fields, got ${describeReply(field)}`);
      }
      hash.set(field, value);
    }
    return hash;
  }
  if (typeof reply === 'object') {
    for (const [field, value] of Object.entries(reply)) {
      if (typeof value !== 'string')
        throw new Error(`expected string hash values, got ${describeReply(value)}`);
      hash.set(field, value);
    }
    return hash;
  }
  throw new Error(`expected a hash reply, got ${describeReply(reply)}`);
}

function describeReply(reply: unknown): string {
  return Array.isArray(reply) ? 'a list' : typeof reply;
}
