/** Time, so that tests and the engine agree on it. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** Resolves after `delayMs`; rejects with the signal's reason if it aborts first. */
  sleep(delayMs: number, signal?: AbortSignal): Promise<void>;
  /**
   * Calls `callback` after `delayMs` unless the returned function is called first. For limits
   * that usually do not fire: cancelling costs no rejected promise.
   */
  schedule(delayMs: number, callback: () => void): () => void;
}
