import { Agent } from 'undici';
import type { ResolvedNotifications } from '../../../core/dag/types.js';
import type { Notifier, RunNotifier } from '../../../ports/notifier.js';
import {
  resolveWebhookNotifierOptions,
  type ResolvedWebhookNotifierOptions,
  type WebhookNotifierOptions,
} from './options.js';
import { RunDelivery, disabledRunNotifier } from './run-delivery.js';
import { createWebhookSigner, type WebhookSigner } from './signing.js';

/** How long an idle pooled connection to a receiver is kept open, in ms. */
const KEEP_ALIVE_TIMEOUT_MS = 4_000;

/**
 * Sends each run's progress events to its webhook URL (SPEC 5): in order per run, one request at
 * a time, each event tried `maxAttempts` times with `retryDelaysMs` between attempts, then dropped
 * and logged. Runs deliver independently of each other over one pooled keep-alive connection
 * agent. Delivery never fails a run and never throws into the engine.
 *
 * @example
 * ```ts
 * const notifier = new WebhookNotifier({ logger, clock: systemClock });
 * const run = notifier.openRun(runId, workflow.settings.notifications);
 * run.notify(event); // for each event the engine emits
 * await run.flush(); // before answering synchronously: waits for the terminal event's first try
 * await notifier.close(); // at shutdown
 * ```
 */
export class WebhookNotifier implements Notifier {
  private readonly options: ResolvedWebhookNotifierOptions;
  private readonly agent: Agent;
  private readonly closeController = new AbortController();
  /** Runs with queued events, a request in flight or a pending flush; idle runs are dropped. */
  private readonly busyRuns = new Set<RunDelivery>();
  private closing: Promise<void> | null = null;

  /** @throws ConfigError when an option is out of range (see {@link WebhookNotifierOptions}). */
  constructor(options: WebhookNotifierOptions) {
    this.options = resolveWebhookNotifierOptions(options);
    this.agent = new Agent({ keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS });
  }

  /** How many runs still have events queued, in flight or awaited by `flush()`. */
  get pendingRuns(): number {
    return this.busyRuns.size;
  }

  /**
   * Starts the webhook side of one run. A URL that is not absolute http(s), or a `whsec_` secret
   * whose key is not valid base64, is logged as a warning and the run sends nothing (validation
   * should have refused both). An empty secret sends unsigned requests.
   *
   * @param runId - The run's id; part of each `webhook-id` (`msg_<run_id>_<sequence>`).
   * @param notifications - The run's resolved `PIPELINE_SETTINGS.notifications`.
   */
  openRun(runId: string, notifications: ResolvedNotifications): RunNotifier {
    const { logger } = this.options;
    if (this.closeController.signal.aborted) {
      logger.warn({ runId }, 'webhook notifier is closed; no events will be sent for this run');
      return disabledRunNotifier;
    }
    const url = parseHttpUrl(notifications.webhookUrl);
    if (url === null) {
      // The URL itself is not logged: it may carry a token in its query.
      logger.warn(
        { runId },
        'notifications.webhook_url is not an absolute http(s) URL; no events will be sent for this run',
      );
      return disabledRunNotifier;
    }
    let signer: WebhookSigner | null = null;
    if (notifications.secret !== null && notifications.secret !== '') {
      const created = createWebhookSigner(notifications.secret);
      if (typeof created !== 'function') {
        logger.warn(
          { runId },
          `notifications.secret unusable: ${created.problem}; no events will be sent for this run`,
        );
        return disabledRunNotifier;
      }
      signer = created;
    }
    return new RunDelivery({
      runId,
      url,
      events: notifications.events,
      signer,
      options: this.options,
      dispatcher: this.agent,
      closeSignal: this.closeController.signal,
      track: (run, busy) => {
        if (busy) this.busyRuns.add(run);
        else this.busyRuns.delete(run);
      },
    });
  }

  /**
   * Aborts requests in flight and retry waits, drops queued events (logged per run), resolves
   * pending flushes, then closes every pooled connection. Later runs send nothing. Idempotent.
   */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    this.closeController.abort(new Error('webhook notifier closed'));
    await Promise.all([...this.busyRuns].map((run) => run.shutdown()));
    await this.agent.destroy();
  }
}

function parseHttpUrl(text: string): URL | null {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : null;
  } catch {
    return null;
  }
}
