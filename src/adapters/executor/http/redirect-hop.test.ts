import { describe, expect, it } from 'vitest';
import { nextHop, type Hop } from './redirect-hop.js';

const post: Hop = {
  origin: 'http://127.0.0.1:8080',
  path: '/start?x=1',
  method: 'POST',
  headers: {
    'Content-Type': 'application/json',
    Authorization: 'Bearer abc',
    Cookie: 'a=b',
    Host: 'example',
    'Idempotency-Key': 'run:step',
  },
  body: '{"a":1}',
};

describe('nextHop', () => {
  it('keeps method, body and headers (but Host) for 307 and 308 on the same origin', () => {
    for (const status of [307, 308]) {
      expect(nextHop(post, status, '/next')).toEqual({
        origin: 'http://127.0.0.1:8080',
        path: '/next',
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          Authorization: 'Bearer abc',
          Cookie: 'a=b',
          'Idempotency-Key': 'run:step',
        },
        body: '{"a":1}',
      });
    }
  });

  it('turns a POST into a GET without body or Content-* headers after 301, 302 and 303', () => {
    for (const status of [301, 302, 303]) {
      const hop = nextHop(post, status, 'other?y=2');
      expect(hop).toMatchObject({ method: 'GET', body: null, path: '/other?y=2' });
      expect(Object.keys(hop?.headers ?? {})).toEqual([
        'Authorization',
        'Cookie',
        'Idempotency-Key',
      ]);
    }
  });

  it('turns a PUT into a GET after 303 only', () => {
    const put: Hop = { ...post, method: 'PUT' };
    expect(nextHop(put, 303, '/x')?.method).toBe('GET');
    expect(nextHop(put, 302, '/x')).toMatchObject({ method: 'PUT', body: '{"a":1}' });
  });

  it('drops credentials when the redirect leaves the origin', () => {
    const hop = nextHop(post, 307, 'http://127.0.0.2:9090/elsewhere');
    expect(hop).toMatchObject({ origin: 'http://127.0.0.2:9090', path: '/elsewhere' });
    expect(Object.keys(hop?.headers ?? {})).toEqual(['Content-Type', 'Idempotency-Key']);
  });

  it('gives null for a Location that is not an http(s) URL', () => {
    expect(nextHop(post, 302, 'mailto:someone@example.com')).toBeNull();
    expect(nextHop(post, 302, 'http://[bad')).toBeNull();
  });
});
