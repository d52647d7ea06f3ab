import { StorageError } from '../../../core/errors.js';

/** What a store was doing when it failed; part of every `StorageError` message. */
export type StoreOperation = 'write' | 'read' | 'list' | 'ping';

/**
 * Builds the `StorageError` a store rejects with: `redis store: write failed for run 01J...:
 * connect ECONNREFUSED 127.0.0.1:6379`. `causeText` is the cause as the store describes it; the
 * original error stays in `cause`.
 */
export function storeFailure(
  store: string,
  operation: StoreOperation,
  runId: string | undefined,
  causeText: string,
  cause?: unknown,
): StorageError {
  const what =
    operation === 'list'
      ? 'listing runs failed'
      : runId === undefined
        ? `${operation} failed`
        : `${operation} failed for run ${runId}`;
  return new StorageError(`${store} store: ${what}: ${causeText}`, {
    cause,
    details: { store, operation, ...(runId === undefined ? {} : { runId }) },
  });
}

/** Text of any thrown value, for messages. */
export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

/** The reason a write to an unknown run fails (same words in every store). */
export const UNKNOWN_RUN_REASON = 'no such run (never created, or expired)';

/** The reason any operation on a closed store fails. */
export const CLOSED_REASON = 'the store is closed';
