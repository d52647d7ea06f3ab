import { Webhook } from 'standardwebhooks';

/** Prefix of secrets given in the Standard Webhooks form: the rest is the key in base64. */
export const STANDARD_SECRET_PREFIX = 'whsec_';

/** Computes the `webhook-signature` header of one attempt. */
export type WebhookSigner = (messageId: string, sentAt: Date, body: string) => string;

/** Why a configured secret cannot sign; the message never contains the secret. */
export interface SignerProblem {
  problem: string;
}

/**
 * Builds the signer of one run's events (Standard Webhooks, HMAC-SHA256, `v1,<base64>`).
 *
 * A secret starting with `whsec_` is decoded as the library expects: the rest is the key in
 * base64. Any other non-empty string is the key itself, as its UTF-8 bytes; receivers verify it
 * with `new Webhook(new TextEncoder().encode(secret), { format: 'raw' })`.
 *
 * @returns The signer, or the reason the secret cannot be used (never throws).
 */
export function createWebhookSigner(secret: string): WebhookSigner | SignerProblem {
  let webhook: Webhook;
  try {
    webhook = secret.startsWith(STANDARD_SECRET_PREFIX)
      ? new Webhook(secret)
      : new Webhook(Buffer.from(secret, 'utf8'), { format: 'raw' });
  } catch {
    // The library's own message is safe, but a fixed one keeps any part of the key out of logs.
    return {
      problem: `a secret starting with "${STANDARD_SECRET_PREFIX}" must continue with a non-empty base64 key`,
    };
  }
  return (messageId, sentAt, body) => webhook.sign(messageId, sentAt, body);
}
