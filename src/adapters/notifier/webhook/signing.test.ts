import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { createWebhookSigner } from './signing.js';

const sentAt = new Date();
const body = '{"event":"workflow_started","sequence":1}';

function headersFor(signature: string): Record<string, string> {
  return {
    'webhook-id': 'msg_run_1',
    'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
    'webhook-signature': signature,
  };
}

function sign(secret: string): string {
  const signer = createWebhookSigner(secret);
  if (typeof signer !== 'function') throw new Error(signer.problem);
  return signer('msg_run_1', sentAt, body);
}

describe('createWebhookSigner', () => {
  it('decodes a whsec_ secret as base64, as the Standard Webhooks library does', () => {
    const secret = `whsec_${randomBytes(24).toString('base64')}`;
    const signature = sign(secret);
    expect(signature).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(new Webhook(secret).verify(body, headersFor(signature))).toEqual(JSON.parse(body));
  });

  it('uses any other secret as its UTF-8 bytes', () => {
    const secret = 'clé secrète';
    const signature = sign(secret);
    const receiver = new Webhook(new TextEncoder().encode(secret), { format: 'raw' });
    expect(receiver.verify(body, headersFor(signature))).toEqual(JSON.parse(body));
  });

  it('gives the same signature as the library for an ASCII raw secret given as a string', () => {
    const signature = sign('ascii-secret');
    const receiver = new Webhook('ascii-secret', { format: 'raw' });
    expect(receiver.verify(body, headersFor(signature))).toEqual(JSON.parse(body));
  });

  it('reports a whsec_ secret without a valid base64 key, without quoting it', () => {
    for (const key of ['', '***', 'abc']) {
      const result = createWebhookSigner(`whsec_${key}`);
      expect(typeof result).toBe('object');
      if (key !== '') expect(JSON.stringify(result)).not.toContain(key);
    }
  });
});
