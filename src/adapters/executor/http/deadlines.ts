/**
 * Attempt time limits and cancellation without per-attempt timers or listener churn: every
 * attempt's deadline shares one timer, and each abort signal gets one listener for all the
 * attempts it covers. A chain of steps otherwise creates and destroys a timer list and an abort
 * listener per request, which costs more than the rest of the attempt's bookkeeping together.
 */

/** Something in flight that can be ended early. */
export interface Expirable {
  /** Called once when the deadline passes or the signal fires. */
  expire(reason: 'timeout' | 'aborted'): void;
}

/** A registered deadline, handed back by {@link Deadlines.add} for {@link Deadlines.remove}. */
export interface DeadlineEntry {
  readonly deadlineMs: number;
  readonly target: Expirable;
}

/** Longest delay `setTimeout` honours; longer ones would fire at once. */
const MAX_TIMER_MS = 2_147_483_647;

/**
 * Deadlines (on the `performance.now()` clock) served by one timer armed for the earliest one.
 * The timer is unref'd: an attempt in flight keeps the process alive through its socket.
 */
export class Deadlines {
  private readonly entries = new Set<DeadlineEntry>();
  private timer: NodeJS.Timeout | null = null;
  private armedForMs = Number.POSITIVE_INFINITY;

  /** Calls `target.expire('timeout')` `timeoutMs` from now unless {@link remove}d first. */
  add(timeoutMs: number, target: Expirable): DeadlineEntry {
    const entry: DeadlineEntry = { deadlineMs: performance.now() + timeoutMs, target };
    this.entries.add(entry);
    if (entry.deadlineMs < this.armedForMs) this.arm(entry.deadlineMs);
    return entry;
  }

  /** Forgets an entry; the timer stays armed and finds nothing due if it was the earliest. */
  remove(entry: DeadlineEntry): void {
    this.entries.delete(entry);
  }

  /** Stops the timer and forgets every entry. */
  clear(): void {
    this.entries.clear();
    this.disarm();
  }

  private arm(atMs: number): void {
    this.disarm();
    this.armedForMs = atMs;
    const delayMs = Math.min(Math.max(Math.ceil(atMs - performance.now()), 1), MAX_TIMER_MS);
    this.timer = setTimeout(() => this.fire(), delayMs);
    this.timer.unref();
  }

  private disarm(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.armedForMs = Number.POSITIVE_INFINITY;
  }

  private fire(): void {
    this.timer = null;
    this.armedForMs = Number.POSITIVE_INFINITY;
    // Timers round to whole milliseconds, so a deadline less than 1 ms away counts as passed.
    const now = performance.now() + 1;
    const due: DeadlineEntry[] = [];
    let next = Number.POSITIVE_INFINITY;
    for (const entry of this.entries) {
      if (entry.deadlineMs <= now) due.push(entry);
      else if (entry.deadlineMs < next) next = entry.deadlineMs;
    }
    for (const entry of due) this.entries.delete(entry);
    if (next !== Number.POSITIVE_INFINITY) this.arm(next);
    for (const entry of due) entry.target.expire('timeout');
  }
}

/**
 * One `abort` listener per signal, shared by every attempt under it. A listener is never
 * removed: it lives as long as its signal, which the caller drops when its step ends.
 */
export class SignalWatch {
  private readonly watched = new WeakMap<AbortSignal, Set<Expirable>>();

  /** Calls `target.expire('aborted')` when `signal` fires, unless {@link unwatch}ed first. */
  watch(signal: AbortSignal, target: Expirable): void {
    let targets = this.watched.get(signal);
    if (targets === undefined) {
      const created = new Set<Expirable>();
      targets = created;
      this.watched.set(signal, created);
      signal.addEventListener('abort', () => {
        const all = [...created];
        created.clear();
        for (const item of all) item.expire('aborted');
      });
    }
    targets.add(target);
  }

  unwatch(signal: AbortSignal, target: Expirable): void {
    this.watched.get(signal)?.delete(target);
  }
}
