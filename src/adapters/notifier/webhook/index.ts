/** Progress webhooks (SPEC 5): signed, ordered, retried delivery of each run's events. */
export { WebhookNotifier } from './webhook-notifier.js';
export { WEBHOOK_USER_AGENT } from './run-delivery.js';
export type { WebhookNotifierOptions, ResolvedWebhookNotifierOptions } from './options.js';
export {
  DEFAULT_WEBHOOK_FLUSH_BUDGET_MS,
  DEFAULT_WEBHOOK_MAX_ATTEMPTS,
  DEFAULT_WEBHOOK_REQUEST_TIMEOUT_MS,
  DEFAULT_WEBHOOK_RETRY_DELAYS_MS,
} from './options.js';
