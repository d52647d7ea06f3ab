import { describe, expect, it } from 'vitest';
import {
  describeAttemptsSuffix,
  describeConnectionFailure,
  describeHttpFailure,
  describeTimeout,
  describeTooLarge,
  describeTooManyRedirects,
  formatBytes,
} from './describe-failure.js';

describe('describeHttpFailure', () => {
  it('names status, host and attempts, and quotes the start of the body', () => {
    expect(describeHttpFailure(503, 'api.example.com', 3, 'Service Unavailable')).toBe(
      'HTTP 503 from api.example.com after 3 attempts: Service Unavailable',
    );
  });

  it('says "1 attempt" in the singular', () => {
    expect(describeHttpFailure(404, 'api.example.com', 1, 'not found')).toBe(
      'HTTP 404 from api.example.com after 1 attempt: not found',
    );
  });

  it('quotes at most 200 characters, on one line', () => {
    const message = describeHttpFailure(500, 'h', 1, `line one\n\n  line two ${'x'.repeat(500)}`);
    const preview = message.slice('HTTP 500 from h after 1 attempt: '.length);
    expect(preview.startsWith('line one line two x')).toBe(true);
    expect(preview.length).toBeLessThanOrEqual(200);
    expect(preview).not.toContain('\n');
  });

  it('leaves the colon out for an empty body', () => {
    expect(describeHttpFailure(502, 'h:8080', 2, '  ')).toBe(
      'HTTP 502 from h:8080 after 2 attempts',
    );
  });
});

describe('other failure texts', () => {
  it('formats time-outs in seconds without trailing zeros', () => {
    expect(describeTimeout(20_000)).toBe('timed out after 20 s');
    expect(describeTimeout(500)).toBe('timed out after 0.5 s');
    expect(describeTimeout(1_250)).toBe('timed out after 1.25 s');
  });

  it('words connection problems, with the host when known', () => {
    expect(describeConnectionFailure('refused', '127.0.0.1:9')).toBe(
      'connection refused (127.0.0.1:9)',
    );
    expect(describeConnectionFailure('reset')).toBe('connection reset');
    expect(describeConnectionFailure('host_not_found', 'nohost.example')).toBe(
      'host not found (nohost.example)',
    );
    expect(describeConnectionFailure('failed', 'h', 'EHOSTUNREACH')).toBe(
      'connection failed (h): EHOSTUNREACH',
    );
  });

  it('states the body cap in the largest whole unit', () => {
    expect(describeTooLarge(10 * 1024 * 1024, 'h')).toBe('response body exceeds 10 MiB (h)');
    expect(formatBytes(64 * 1024)).toBe('64 KiB');
    expect(formatBytes(1000)).toBe('1000 bytes');
  });

  it('words redirect overflow and the attempt count suffix', () => {
    expect(describeTooManyRedirects(5, 'h')).toBe('too many redirects: more than 5 (h)');
    expect(describeAttemptsSuffix(1)).toBe(' after 1 attempt');
    expect(describeAttemptsSuffix(4)).toBe(' after 4 attempts');
  });
});
