/**
 * Which HTTP statuses are worth another attempt (SPEC 3.4): server errors, 408 Request Timeout
 * and 429 Too Many Requests. Every other 4xx is the caller's mistake and final.
 */

/** How the engine treats a response status. */
export type HttpStatusClass = 'ok' | 'retryable' | 'final';

/** True for 5xx, 408 and 429: the same request may succeed later. */
export function isRetryableStatus(status: number): boolean {
  return (status >= 500 && status <= 599) || status === 408 || status === 429;
}

/**
 * Sorts a response status: `ok` for 2xx and 3xx (a 3xx that reaches the engine had no redirect
 * to follow), `retryable` per {@link isRetryableStatus}, `final` for everything else.
 */
export function classifyHttpStatus(status: number): HttpStatusClass {
  if (status >= 200 && status <= 399) return 'ok';
  return isRetryableStatus(status) ? 'retryable' : 'final';
}

/** True for the statuses whose `Retry-After` header the engine honours (429 and 503). */
export function honoursRetryAfter(status: number): boolean {
  return status === 429 || status === 503;
}
