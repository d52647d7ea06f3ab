import type { RunRecord, StepHistoryEntry } from '../../../core/run/types.js';

/** A run record without its step history: stores keep the steps apart, one entry per step. */
export type RecordHead = Omit<RunRecord, 'steps'>;

/** Splits a record into its head (stored as one JSON value) and its steps (stored per step). */
export function splitRecord(record: RunRecord): { head: RecordHead; steps: StepHistoryEntry[] } {
  const { steps, ...head } = record;
  return { head, steps };
}

/**
 * Puts a stored head and step history back together. While the run is `running` the stored
 * counts are those written when it started, so they are recounted from the history so far; a
 * finished run keeps the counts the engine wrote.
 */
export function joinRecord(head: RecordHead, steps: StepHistoryEntry[]): RunRecord {
  const record: RunRecord = { ...head, steps };
  if (record.status !== 'running') return record;
  let completed = 0;
  let failed = 0;
  let aborted = 0;
  let cancelled = 0;
  for (const step of steps) {
    if (step.status === 'completed') completed += 1;
    else if (step.status === 'failed') failed += 1;
    else if (step.status === 'aborted') aborted += 1;
    else if (step.status === 'cancelled') cancelled += 1;
  }
  record.steps_completed = completed;
  record.steps_failed = failed;
  record.steps_aborted = aborted;
  record.steps_cancelled = cancelled;
  return record;
}

/**
 * Parses a value the store wrote itself. A value that is not JSON means the data was changed
 * outside the engine; the caller turns the error into a `StorageError`.
 */
export function parseStored<T>(text: string, what: string): T {
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new Error(`stored ${what} is not valid JSON`, { cause: error });
  }
}
