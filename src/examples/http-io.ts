/**
 * Request and reply plumbing of the example services: reads a bounded body, parses it by content
 * type without ever throwing, and writes JSON replies that keep the connection reusable.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Largest request body the example services accept, in bytes; larger bodies get 413. */
export const MAX_EXAMPLE_BODY_BYTES = 1_048_576;

/** A request body after content-type based parsing. */
export type ParsedBody =
  | { kind: 'empty' }
  | { kind: 'json'; value: unknown }
  | { kind: 'form'; value: Record<string, string | string[]> }
  | { kind: 'text'; value: string }
  | { kind: 'invalid'; reason: string };

/** What a handler sees of one request. */
export interface ExampleRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: URLSearchParams;
  /** Lower-case header names, as node:http gives them. */
  headers: IncomingMessage['headers'];
  body: ParsedBody;
  /** Aborted when the client goes away before the reply is written, or the server closes. */
  signal: AbortSignal;
}

/** What a handler answers: a status, a JSON-serialisable body and extra headers. */
export interface ExampleReply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** A handler of one route; `undefined` means nobody is left to answer (request aborted). */
export type ExampleHandler = (
  request: ExampleRequest,
) => ExampleReply | undefined | Promise<ExampleReply | undefined>;

/** A JSON reply with the given status. */
export function jsonReply(
  status: number,
  body: unknown,
  headers?: Record<string, string>,
): ExampleReply {
  return headers === undefined ? { status, body } : { status, body, headers };
}

/** The error reply every example endpoint uses: `{ "error": "<message>", "code": "<CODE>" }`. */
export function errorReply(
  status: number,
  code: string,
  message: string,
  headers?: Record<string, string>,
): ExampleReply {
  return jsonReply(status, { error: message, code }, headers);
}

/**
 * Reads the whole body, up to `maxBytes`. Resolves `undefined` when the body is larger (the rest
 * is left unread, so the caller must close the connection after replying).
 */
export async function readBody(
  request: IncomingMessage,
  maxBytes: number,
): Promise<Buffer | undefined> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) return undefined;
    chunks.push(chunk);
  }
  return chunks.length === 1 && chunks[0] !== undefined ? chunks[0] : Buffer.concat(chunks);
}

/**
 * Parses a body by its `Content-Type`: JSON (`application/json`, `*+json`), form
 * (`application/x-www-form-urlencoded`) or text (anything else). Without a content type, JSON is
 * tried first and text is the fallback. Never throws: a malformed JSON body is `invalid`.
 */
export function parseBody(raw: Buffer, contentType: string | undefined): ParsedBody {
  if (raw.length === 0) return { kind: 'empty' };
  const text = raw.toString('utf8');
  const mediaType = (contentType ?? '').split(';', 1)[0]?.trim().toLowerCase() ?? '';
  if (mediaType === '') {
    const json = tryParseJson(text);
    return json === undefined ? { kind: 'text', value: text } : { kind: 'json', value: json.value };
  }
  if (mediaType === 'application/json' || mediaType.endsWith('+json')) {
    const json = tryParseJson(text);
    return json === undefined
      ? { kind: 'invalid', reason: `request body is not valid JSON (Content-Type ${mediaType})` }
      : { kind: 'json', value: json.value };
  }
  if (mediaType === 'application/x-www-form-urlencoded') {
    return { kind: 'form', value: formToObject(new URLSearchParams(text)) };
  }
  return { kind: 'text', value: text };
}

/** Query or form fields as an object; a repeated name becomes an array of its values. */
export function formToObject(params: URLSearchParams): Record<string, string | string[]> {
  const result: Record<string, string | string[]> = {};
  for (const [name, value] of params) {
    const previous = result[name];
    if (previous === undefined) result[name] = value;
    else if (Array.isArray(previous)) previous.push(value);
    else result[name] = [previous, value];
  }
  return result;
}

/**
 * Writes a reply as JSON with an exact `Content-Length`, so keep-alive clients can reuse the
 * connection. `closeConnection` asks the client to drop it (used when the body was left unread).
 */
export function sendReply(
  response: ServerResponse,
  reply: ExampleReply,
  closeConnection = false,
): void {
  if (response.writableEnded || response.destroyed) return;
  const payload = Buffer.from(JSON.stringify(reply.body ?? null), 'utf8');
  response.statusCode = reply.status;
  response.setHeader('Content-Type', 'application/json; charset=utf-8');
  response.setHeader('Content-Length', payload.length);
  response.setHeader('Cache-Control', 'no-store');
  if (closeConnection) response.setHeader('Connection', 'close');
  for (const [name, value] of Object.entries(reply.headers ?? {})) response.setHeader(name, value);
  response.end(payload);
}

function tryParseJson(text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return undefined;
  }
}

/** True for a plain JSON object (not an array, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
