/**
 * Live fan-out of run events to in-process subscribers (SSE streams). Replay of past events comes
 * from the store; this only carries what happens from now on.
 */
import type { WorkflowEvent } from '../core/run/index.js';

export type EventListener = (event: WorkflowEvent) => void;

export class EventHub {
  private readonly listeners = new Map<string, Set<EventListener>>();

  /** Starts delivering `runId`'s events to `listener`; returns the function that stops it. */
  subscribe(runId: string, listener: EventListener): () => void {
    let set = this.listeners.get(runId);
    if (set === undefined) {
      set = new Set();
      this.listeners.set(runId, set);
    }
    set.add(listener);
    return () => {
      const current = this.listeners.get(runId);
      if (current === undefined) return;
      current.delete(listener);
      if (current.size === 0) this.listeners.delete(runId);
    };
  }

  publish(event: WorkflowEvent): void {
    const set = this.listeners.get(event.run_id);
    if (set === undefined) return;
    for (const listener of [...set]) listener(event);
  }
}
