import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyHttpStatus, isRetryableStatus } from './http-status.js';

describe('isRetryableStatus', () => {
  it('retries 5xx, 408 and 429 and nothing else', () => {
    for (const status of [500, 502, 503, 504, 599, 408, 429])
      expect(isRetryableStatus(status)).toBe(true);
    for (const status of [200, 301, 400, 401, 403, 404, 409, 422, 600]) {
      expect(isRetryableStatus(status)).toBe(false);
    }
  });
});

describe('classifyHttpStatus', () => {
  it('calls 2xx and 3xx ok, retryable statuses retryable, other statuses final', () => {
    expect(classifyHttpStatus(200)).toBe('ok');
    expect(classifyHttpStatus(204)).toBe('ok');
    expect(classifyHttpStatus(304)).toBe('ok');
    expect(classifyHttpStatus(503)).toBe('retryable');
    expect(classifyHttpStatus(429)).toBe('retryable');
    expect(classifyHttpStatus(408)).toBe('retryable');
    expect(classifyHttpStatus(404)).toBe('final');
    expect(classifyHttpStatus(400)).toBe('final');
    expect(classifyHttpStatus(101)).toBe('final');
  });

  it('agrees with isRetryableStatus for every status outside 2xx and 3xx', () => {
    fc.assert(
      fc.property(fc.integer({ min: 100, max: 999 }), (status) => {
        const verdict = classifyHttpStatus(status);
        if (status >= 200 && status < 400) expect(verdict).toBe('ok');
        else expect(verdict === 'retryable').toBe(isRetryableStatus(status));
      }),
    );
  });
});
