/**
 * The error texts of failed attempts (SPEC 3.4): what happened, in words a workflow author reads
 * in the run result, e.g. `HTTP 503 from api.example.com after 3 attempts: <body>`.
 */

/** How much of a response body an HTTP failure message quotes, in characters. */
export const FAILURE_BODY_PREVIEW_CHARS = 200;

/** Transport problems, each with its own wording. */
export type ConnectionProblem = 'refused' | 'reset' | 'host_not_found' | 'timed_out' | 'failed';

const CONNECTION_WORDS: Record<ConnectionProblem, string> = {
  refused: 'connection refused',
  reset: 'connection reset',
  host_not_found: 'host not found',
  timed_out: 'connection timed out',
  failed: 'connection failed',
};

const KIB = 1024;
const MIB = 1024 * 1024;

/**
 * `HTTP 503 from api.example.com after 3 attempts: <first 200 characters of the body>`, with
 * whitespace runs folded to one space; the colon part is left out for an empty body.
 *
 * @param host Host of the request (with a port when not the default), as `URL.host` gives it.
 * @param attempts Attempts made so far, at least 1.
 */
export function describeHttpFailure(
  status: number,
  host: string,
  attempts: number,
  body: string,
): string {
  const head = `HTTP ${status} from ${host}${describeAttemptsSuffix(attempts)}`;
  const preview = body.slice(0, FAILURE_BODY_PREVIEW_CHARS).replace(/\s+/g, ' ').trim();
  return preview === '' ? head : `${head}: ${preview}`;
}

/** ` after 3 attempts`, ` after 1 attempt`: appended to a failure text (leading space included). */
export function describeAttemptsSuffix(attempts: number): string {
  return ` after ${attempts} ${attempts === 1 ? 'attempt' : 'attempts'}`;
}

/** `timed out after 20 s`; seconds without trailing zeros (`0.5 s`, `1.25 s`). */
export function describeTimeout(timeoutMs: number): string {
  return `timed out after ${formatSeconds(timeoutMs)} s`;
}

/**
 * `connection refused (127.0.0.1:9)`, `connection reset`, `host not found (api.example.com)`;
 * `detail` (used with `failed`) follows after a colon.
 */
export function describeConnectionFailure(
  problem: ConnectionProblem,
  host?: string,
  detail?: string,
): string {
  const where = host === undefined || host === '' ? '' : ` (${host})`;
  const why = detail === undefined || detail === '' ? '' : `: ${detail}`;
  return `${CONNECTION_WORDS[problem]}${where}${why}`;
}

/** `response body exceeds 10 MiB (api.example.com)`. */
export function describeTooLarge(maxBytes: number, host: string): string {
  return `response body exceeds ${formatBytes(maxBytes)} (${host})`;
}

/** `too many redirects: more than 5 (api.example.com)`. */
export function describeTooManyRedirects(maxRedirections: number, host: string): string {
  return `too many redirects: more than ${maxRedirections} (${host})`;
}

/** Whole seconds or the shortest decimal, from ms: 20000 → `20`, 500 → `0.5`. */
export function formatSeconds(ms: number): string {
  return String(Math.round(ms) / 1000);
}

/** `10 MiB`, `64 KiB`, or `1000 bytes` when not a whole number of either. */
export function formatBytes(bytes: number): string {
  if (bytes >= MIB && bytes % MIB === 0) return `${bytes / MIB} MiB`;
  if (bytes >= KIB && bytes % KIB === 0) return `${bytes / KIB} KiB`;
  return `${bytes} bytes`;
}
