/**
 * Bearer-token check for `/api/*` and `/execute` (SPEC 7). Runs before the body is read, so an
 * unauthenticated client cannot make the server parse anything.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { HttpRequestError } from './request-error.js';

/** True for paths that need the token: `/execute` and everything under `/api/`. */
export function isProtectedPath(url: string): boolean {
  const path = url.split('?', 1)[0] ?? url;
  return (
    path === '/execute' ||
    path.startsWith('/execute/') ||
    path === '/api' ||
    path.startsWith('/api/')
  );
}

/** Requires `Authorization: Bearer <token>` on protected paths; does nothing when `token` is null. */
export function installBearerAuth(server: FastifyInstance, token: string | null): void {
  if (token === null) return;
  // Digests have one length, so the comparison takes the same time whatever the candidate is.
  const expected = digest(token);
  server.addHook('onRequest', (request, _reply, done) => {
    done(
      isProtectedPath(request.url)
        ? authorizationProblem(request.headers.authorization, expected)
        : undefined,
    );
  });
}

/** Why `header` does not carry the expected token, or undefined when it does. */
function authorizationProblem(
  header: string | undefined,
  expected: Buffer,
): HttpRequestError | undefined {
  if (header === undefined) {
    return new HttpRequestError(
      'UNAUTHORIZED',
      'missing Authorization header; send Authorization: Bearer <token>',
    );
  }
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  if (match?.[1] === undefined) {
    return new HttpRequestError(
      'UNAUTHORIZED',
      'the Authorization header must be "Bearer <token>"',
    );
  }
  return timingSafeEqual(digest(match[1]), expected)
    ? undefined
    : new HttpRequestError('UNAUTHORIZED', 'invalid API token');
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
