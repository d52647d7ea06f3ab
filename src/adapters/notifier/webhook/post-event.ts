import { request, type Dispatcher } from 'undici';
import type { Clock } from '../../../ports/clock.js';

/** Most response bytes read (and thrown away) so the connection can be reused. */
const MAX_DRAINED_RESPONSE_BYTES = 64 * 1024;

/** The result of one attempt; `error` says why it failed, without the body or the secret. */
export type AttemptOutcome =
  | { ok: true; status: number }
  | { ok: false; error: string; status: number | null; closed: boolean };

/** One POST of one event. */
export interface PostEventInput {
  dispatcher: Dispatcher;
  url: URL;
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
  clock: Clock;
  /** Aborts the attempt when the notifier closes. */
  closeSignal: AbortSignal;
}

class AttemptTimeout extends Error {
  constructor(timeoutMs: number) {
    super(`no complete response within ${timeoutMs} ms`);
    this.name = 'AttemptTimeout';
  }
}

/**
 * Sends one event once. A 2xx answer is a delivery; any other status, a network error or the
 * timeout is a failed attempt. Redirects are not followed, so nothing leaves for another address.
 *
 * @returns The outcome; never rejects.
 */
export async function postEvent(input: PostEventInput): Promise<AttemptOutcome> {
  const attempt = new AbortController();
  const onClose = (): void => attempt.abort(input.closeSignal.reason);
  input.closeSignal.addEventListener('abort', onClose, { once: true });
  const timer = new AbortController();
  input.clock.sleep(input.timeoutMs, timer.signal).then(
    () => attempt.abort(new AttemptTimeout(input.timeoutMs)),
    () => undefined,
  );
  try {
    if (input.closeSignal.aborted) onClose();
    const response = await request(input.url, {
      method: 'POST',
      headers: input.headers,
      body: input.body,
      dispatcher: input.dispatcher,
      signal: attempt.signal,
    });
    const status = response.statusCode;
    try {
      // Drained under the same deadline so a receiver stalling mid-body cannot hold the queue.
      await response.body.dump({ limit: MAX_DRAINED_RESPONSE_BYTES, signal: attempt.signal });
    } catch {
      // The status already decided the attempt; an unread body only costs the connection.
    }
    if (status >= 200 && status < 300) return { ok: true, status };
    return { ok: false, error: `HTTP ${status}`, status, closed: false };
  } catch (error) {
    const closed = input.closeSignal.aborted;
    const reason: unknown = attempt.signal.aborted ? attempt.signal.reason : error;
    return { ok: false, error: describeError(reason, closed), status: null, closed };
  } finally {
    timer.abort();
    input.closeSignal.removeEventListener('abort', onClose);
  }
}

function describeError(error: unknown, closed: boolean): string {
  if (closed) return 'notifier closed';
  if (error instanceof AttemptTimeout) return error.message;
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return typeof code === 'string' ? `${code}: ${error.message}${cause}` : error.message + cause;
  }
  return String(error);
}
