import { errors } from 'undici';
import { describe, expect, it } from 'vitest';
import { transportError } from './transport-error.js';

function withCode(code: string, message = code): Error {
  return Object.assign(new Error(message), { code });
}

describe('transportError', () => {
  it('words refused, reset, DNS and connect time-out failures as retryable connection errors', () => {
    const cases: [Error, string][] = [
      [withCode('ECONNREFUSED'), 'connection refused (h:1)'],
      [withCode('ECONNRESET'), 'connection reset (h:1)'],
      [new errors.SocketError('other side closed'), 'connection reset (h:1)'],
      [withCode('ENOTFOUND', 'getaddrinfo ENOTFOUND h'), 'host not found (h:1)'],
      [withCode('EAI_AGAIN'), 'host not found (h:1)'],
      [new errors.ConnectTimeoutError(), 'connection timed out (h:1)'],
    ];
    for (const [cause, message] of cases) {
      const error = transportError(cause, 'h:1');
      expect(error).toMatchObject({ kind: 'connection', retryable: true, message, cause });
    }
  });

  it('reads the code of the first inner error of an AggregateError', () => {
    const error = transportError(new AggregateError([withCode('ECONNREFUSED')], 'all failed'), 'h');
    expect(error.message).toBe('connection refused (h)');
  });

  it('marks a request undici refused to send as not retryable', () => {
    const error = transportError(new errors.InvalidArgumentError('invalid header-value'), 'h');
    expect(error).toMatchObject({ kind: 'connection', retryable: false });
    expect(error.message).toBe('request not sent to h: invalid header-value');
  });

  it('keeps the message of an unknown failure and lets it be retried', () => {
    const error = transportError(new Error('boom'), 'h');
    expect(error).toMatchObject({ kind: 'connection', retryable: true });
    expect(error.message).toBe('connection failed (h): boom');
  });
});
