/**
 * Request bodies: JSON only (`application/json` and `application/*+json`). A malformed body is
 * refused with its parser message and position; other content types get 415 from Fastify.
 */
import type { FastifyInstance } from 'fastify';
import { findJsonSyntaxError } from './json-syntax.js';
import { HttpRequestError } from './request-error.js';

/** `application/<anything>+json`, parameters allowed. */
const SUFFIXED_JSON = /^application\/[\w.+-]+\+json(?:;|\s|$)/;

/** Replaces Fastify's body parsers with the JSON one below; bodies over `bodyLimitBytes` get 413. */
export function installJsonBodyParser(server: FastifyInstance, bodyLimitBytes: number): void {
  server.removeAllContentTypeParsers();
  const options = { parseAs: 'string', bodyLimit: bodyLimitBytes } as const;
  const parse = (
    _request: unknown,
    body: string | Buffer,
    done: (error: Error | null, body?: unknown) => void,
  ): void => {
    try {
      done(null, parseJsonBody(typeof body === 'string' ? body : body.toString('utf8')));
    } catch (error) {
      done(error instanceof Error ? error : new Error(String(error)), undefined);
    }
  };
  server.addContentTypeParser('application/json', options, parse);
  server.addContentTypeParser(SUFFIXED_JSON, options, parse);
}

/**
 * Parses a request body. An empty body is no body (`undefined`). Keys named `__proto__` are
 * refused: they could change an object's prototype in code that copies payload objects.
 * @throws HttpRequestError `MALFORMED_JSON` with the position, line and column of the problem.
 */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    // JSON.parse names a position for some errors only; the scanner always does. Its reason
    // quotes one character, never a stretch of the body.
    const problem = findJsonSyntaxError(text);
    if (problem === null) throw error;
    throw new HttpRequestError(
      'MALFORMED_JSON',
      `request body is not valid JSON: ${problem.reason} at line ${problem.line}, column ${problem.column} (position ${problem.position})`,
      { details: { position: problem.position, line: problem.line, column: problem.column } },
    );
  }
  // Cheap substring test first: the walk only runs for the rare body that mentions the key.
  if (text.includes('"__proto__"') && hasProtoKey(parsed)) {
    throw new HttpRequestError(
      'MALFORMED_JSON',
      'request body: the key "__proto__" is not allowed',
    );
  }
  return parsed;
}

function hasProtoKey(value: unknown): boolean {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const current = pending.pop();
    if (current === null || typeof current !== 'object') continue;
    if (Object.hasOwn(current, '__proto__')) return true;
    for (const child of Object.values(current)) pending.push(child);
  }
  return false;
}
