import type { Dispatcher } from 'undici';
import type { WorkflowEventName } from '../../../core/payload/schema.js';
import type { WorkflowEvent } from '../../../core/run/types.js';
import type { RunNotifier } from '../../../ports/notifier.js';
import { ENGINE_VERSION } from '../../../version.js';
import { retryDelayAfter, type ResolvedWebhookNotifierOptions } from './options.js';
import { postEvent, type AttemptOutcome } from './post-event.js';
import type { WebhookSigner } from './signing.js';

/** Sent as `user-agent` on every webhook request. */
export const WEBHOOK_USER_AGENT = `objspace-workflow-engine/${ENGINE_VERSION} (webhooks)`;

/** A run that sends nothing: no valid URL, an unusable secret, or a closed notifier. */
export const disabledRunNotifier: RunNotifier = Object.freeze({
  notify: () => undefined,
  flush: () => Promise.resolve(),
});

/** What one run's delivery needs from its notifier. */
export interface RunDeliveryContext {
  runId: string;
  url: URL;
  events: ReadonlySet<WorkflowEventName> | null;
  signer: WebhookSigner | null;
  options: ResolvedWebhookNotifierOptions;
  dispatcher: Dispatcher;
  closeSignal: AbortSignal;
  /** Told whenever the run gains or loses pending work, so idle runs hold no notifier state. */
  track(run: RunDelivery, busy: boolean): void;
}

interface QueuedEvent {
  name: WorkflowEventName;
  sequence: number;
  /** `webhook-id`: one per event, the same on each of its attempts. */
  messageId: string;
  body: string;
  terminal: boolean;
}

/** Delivers one run's events to its URL, one request at a time, strictly in order. */
export class RunDelivery implements RunNotifier {
  private readonly queue: QueuedEvent[] = [];
  private pumping: Promise<void> | null = null;
  private terminalSettled = false;
  private readonly flushWaiters = new Set<() => void>();

  constructor(private readonly context: RunDeliveryContext) {}

  /**
   * Queues one event if the run's `events` filter allows it; returns at once, never throws.
   * Delivery failures are logged, never reported to the caller.
   */
  notify(event: WorkflowEvent): void {
    let terminal = false;
    try {
      if (this.context.closeSignal.aborted) return;
      terminal = event.event === 'workflow_completed' || event.event === 'workflow_failed';
      if (this.context.events !== null && !this.context.events.has(event.event)) {
        if (terminal) this.settleTerminal();
        return;
      }
      this.queue.push({
        name: event.event,
        sequence: event.sequence,
        messageId: `msg_${this.context.runId}_${event.sequence}`,
        // Serialized now so later changes to the object cannot alter what is sent.
        body: JSON.stringify(event),
        terminal,
      });
      this.pumping ??= this.pump();
      this.updateTracking();
    } catch (error) {
      // Unserializable data (a BigInt, a cycle) must not reach the engine as an exception.
      if (terminal) this.settleTerminal();
      const described = event as Partial<WorkflowEvent> | null | undefined;
      this.context.options.logger.warn(
        {
          runId: this.context.runId,
          event: described?.event,
          sequence: described?.sequence,
          error: String(error),
        },
        'webhook event could not be queued; dropped',
      );
    }
  }

  /**
   * Resolves once the terminal event (`workflow_completed` / `workflow_failed`) has had its first
   * attempt, whatever its outcome, or once `budgetMs` has passed, whichever comes first; at once
   * when that event is filtered out or the notifier is closed. Never rejects.
   *
   * @param budgetMs - Longest wait in ms; defaults to the notifier's `flushBudgetMs`.
   */
  flush(budgetMs: number = this.context.options.flushBudgetMs): Promise<void> {
    if (this.terminalSettled || this.context.closeSignal.aborted || !(budgetMs > 0)) {
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      const budget = new AbortController();
      const done = (): void => {
        this.flushWaiters.delete(done);
        budget.abort();
        this.updateTracking();
        resolve();
      };
      this.flushWaiters.add(done);
      this.updateTracking();
      this.context.options.clock.sleep(budgetMs, budget.signal).then(done, () => undefined);
    });
  }

  /** Drops what is still queued (logged), releases flush waiters and waits for the pump to stop. */
  async shutdown(): Promise<void> {
    if (this.queue.length > 0) {
      this.context.options.logger.warn(
        {
          runId: this.context.runId,
          dropped: this.queue.length,
          fromSequence: this.queue[0]?.sequence,
        },
        'webhook notifier closed; undelivered events dropped',
      );
      this.queue.length = 0;
    }
    this.settleTerminal();
    await this.pumping;
  }

  private async pump(): Promise<void> {
    try {
      for (let item = this.queue[0]; item !== undefined; item = this.queue[0]) {
        await this.deliver(item);
        this.queue.shift();
        if (this.context.closeSignal.aborted) break;
      }
    } finally {
      this.pumping = null;
      this.updateTracking();
    }
  }

  private async deliver(item: QueuedEvent): Promise<void> {
    const { logger, maxAttempts, retryDelaysMs, clock, requestTimeoutMs } = this.context.options;
    const base = { runId: this.context.runId, event: item.name, sequence: item.sequence };
    for (let attempt = 1; ; attempt++) {
      let outcome: AttemptOutcome;
      try {
        outcome = await postEvent({
          dispatcher: this.context.dispatcher,
          url: this.context.url,
          body: item.body,
          headers: this.headersFor(item),
          timeoutMs: requestTimeoutMs,
          clock,
          closeSignal: this.context.closeSignal,
        });
      } catch (error) {
        // The attempt itself never rejects, so this is a fault of ours that a retry cannot mend.
        if (item.terminal) this.settleTerminal();
        logger.error({ ...base, attempts: attempt, error: String(error) }, 'webhook event dropped');
        return;
      }
      if (item.terminal && attempt === 1) this.settleTerminal();
      if (outcome.ok || outcome.closed) return;
      if (attempt >= maxAttempts) {
        logger.warn(
          { ...base, attempts: attempt, error: outcome.error },
          'webhook event dropped after its last failed attempt',
        );
        return;
      }
      const delayMs = retryDelayAfter(retryDelaysMs, attempt);
      logger.debug(
        { ...base, attempt, delayMs, error: outcome.error },
        'webhook attempt failed; retrying',
      );
      try {
        await clock.sleep(delayMs, this.context.closeSignal);
      } catch {
        return;
      }
    }
  }

  private headersFor(item: QueuedEvent): Record<string, string> {
    const sentAt = new Date(this.context.options.clock.now());
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': WEBHOOK_USER_AGENT,
      'webhook-id': item.messageId,
      'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
    };
    if (this.context.signer !== null) {
      headers['webhook-signature'] = this.context.signer(item.messageId, sentAt, item.body);
    }
    return headers;
  }

  private settleTerminal(): void {
    this.terminalSettled = true;
    for (const done of [...this.flushWaiters]) done();
  }

  private updateTracking(): void {
    const busy = this.queue.length > 0 || this.pumping !== null || this.flushWaiters.size > 0;
    this.context.track(this, busy);
  }
}
