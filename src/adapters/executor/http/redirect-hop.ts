/**
 * Redirects (SPEC 3.5: followed, at most 5 per attempt). Following them here rather than through
 * undici's redirect interceptor spares every request that is not redirected an extra handler and
 * two URL parses; the rules are those of RFC 9110 section 15.4 as browsers and undici apply them.
 */
import type { HttpMethod } from '../../../core/payload/schema.js';

/** One request of an attempt: the first, or one made to follow a redirect. */
export interface Hop {
  origin: string;
  /** Path and query. */
  path: string;
  method: HttpMethod;
  headers: Record<string, string>;
  body: string | null;
}

/** Statuses whose `Location` is followed. */
export const REDIRECT_STATUSES: ReadonlySet<number> = new Set([300, 301, 302, 303, 307, 308]);

/** Headers that name the old target; dropped on every hop. */
const HOST_HEADER = 'host';
/** Credentials that must not travel to another origin. */
const CREDENTIAL_HEADERS: ReadonlySet<string> = new Set([
  'authorization',
  'cookie',
  'proxy-authorization',
]);

/**
 * The request that follows `location` after a `status` answer to `hop`, or null when `location`
 * is not an http(s) URL (the 3xx is then the answer).
 *
 * - 303 turns the request into a GET without a body; so do 301 and 302 for a POST, as every
 *   client does. A dropped body takes its `Content-*` headers with it.
 * - `Host` is dropped; `Authorization`, `Cookie` and `Proxy-Authorization` are dropped when the
 *   origin changes.
 */
export function nextHop(hop: Hop, status: number, location: string): Hop | null {
  let url: URL;
  try {
    url = new URL(location, hop.origin + hop.path);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  const dropsBody = status === 303 || ((status === 301 || status === 302) && hop.method === 'POST');
  const crossOrigin = url.origin !== hop.origin;
  const headers: Record<string, string> = {};
  for (const name of Object.keys(hop.headers)) {
    const lower = name.toLowerCase();
    if (lower === HOST_HEADER) continue;
    if (dropsBody && lower.startsWith('content-')) continue;
    if (crossOrigin && CREDENTIAL_HEADERS.has(lower)) continue;
    headers[name] = hop.headers[name] as string;
  }
  return {
    origin: url.origin,
    path: url.pathname + url.search,
    method: dropsBody ? 'GET' : hop.method,
    headers,
    body: dropsBody ? null : hop.body,
  };
}
