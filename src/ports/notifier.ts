import type { ResolvedNotifications } from '../core/dag/types.js';
import type { WorkflowEvent } from '../core/run/types.js';

/** Delivers one run's events; never throws, never blocks the run. */
export interface RunNotifier {
  notify(event: WorkflowEvent): void;
  /** Resolves once the terminal event had its first attempt, or after `budgetMs`; never rejects. */
  flush(budgetMs?: number): Promise<void>;
}

/** Sends progress notifications (webhooks) of many runs. */
export interface Notifier {
  openRun(runId: string, notifications: ResolvedNotifications): RunNotifier;
  close(): Promise<void>;
}
