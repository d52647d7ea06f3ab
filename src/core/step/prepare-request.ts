/**
 * Renders one attempt's request from a step's compiled templates (SPEC 2, 3.5, 3.6): URL, headers,
 * body or query string, default `Content-Type`, `Idempotency-Key`, and the header values that
 * must be redacted.
 */
import type { ResolvedStep } from '../dag/types.js';
import { TemplateError } from '../errors.js';
import type { BodyType, HttpMethod, OnMissingMode } from '../payload/schema.js';
import {
  MIN_REDACTED_LENGTH,
  SENSITIVE_HEADER_NAME,
  sensitiveHeaderParts,
} from '../redact/index.js';
import type { TemplateScope } from '../template/index.js';
import { setOwn } from './own-property.js';
import type { PreparedHttpRequest } from './types.js';

/** `Content-Type` sent with each body type unless the step sets one. */
export const DEFAULT_CONTENT_TYPES: Readonly<Record<BodyType, string>> = Object.freeze({
  json: 'application/json',
  form: 'application/x-www-form-urlencoded',
  text: 'text/plain; charset=utf-8',
});

/** What {@link prepareRequest} produces. */
export interface PreparedRequest {
  request: PreparedHttpRequest;
  /**
   * Rendered values of sensitive headers (name matching `SENSITIVE_HEADER_NAME`), and for
   * `<scheme> <credential>` values the credential alone; values under 4 characters are left out.
   */
  sensitiveValues: string[];
}

const MAPPING_POINTER = '/input_prep_config/mapping';

/**
 * Rendered service URLs already checked, each with its fragment-free form. Most steps call a
 * fixed URL, so the parse is done once rather than on every attempt; the cache starts over when
 * full (URLs rendered with per-run values would otherwise grow it without end).
 */
const checkedUrls = new Map<string, string>();
const MAX_CHECKED_URLS = 256;
/** How much of a rejected value an error message quotes. */
const QUOTE_CHARS = 200;

/**
 * Renders the request of one attempt.
 *
 * - URL: `service_url` rendered; it must be an absolute http(s) URL. The fragment is dropped.
 * - Headers: values rendered and stringified (objects as JSON); a null or missing value drops
 *   the header.
 * - Mapping: GET, and DELETE without `input_prep_config.type`, append it to the query (object
 *   values as JSON, null skipped; a string mapping is taken as a ready query string). Other
 *   methods send it as a body of the step's type (json by default): json as JSON; form
 *   urlencoded (a string is sent as is); text as is (a non-string as JSON text). A null or
 *   absent mapping sends nothing.
 * - `Content-Type` follows the body type unless a header of any case sets it;
 *   `Idempotency-Key: <runId>:<usid>` is added unless the step sets it.
 *
 * @param runId The run's id, first half of the `Idempotency-Key`.
 * @throws TemplateError `TEMPLATE_UNRESOLVED` when a variable is missing under `onMissing: error`,
 *   when `service_url` does not render to an http(s) URL, or when a query or form mapping renders
 *   to something other than an object or a string.
 */
export function prepareRequest(
  step: ResolvedStep,
  scope: TemplateScope,
  onMissing: OnMissingMode,
  runId: string,
): PreparedRequest {
  const { templates } = step;
  let url = renderServiceUrl(templates.serviceUrl.render(scope, onMissing));
  const renderedHeaders = templates.headers.render(scope, onMissing);
  const mapping = templates.mapping.render(scope, onMissing);

  const headers: Record<string, string> = {};
  const sensitiveValues: string[] = [];
  let hasContentType = false;
  let hasIdempotencyKey = false;
  if (renderedHeaders !== null && typeof renderedHeaders === 'object') {
    const source = renderedHeaders as Record<string, unknown>;
    for (const name of Object.keys(source)) {
      const value = fieldText(source[name]);
      if (value === undefined) continue;
      setOwn(headers, name, value);
      if (isHeaderName(name, 'content-type')) hasContentType = true;
      else if (isHeaderName(name, 'idempotency-key')) hasIdempotencyKey = true;
      if (SENSITIVE_HEADER_NAME.test(name)) collectSensitive(value, sensitiveValues);
    }
  }

  let body: string | null = null;
  if (mapping !== undefined && mapping !== null) {
    if (step.method === 'GET' || (step.method === 'DELETE' && step.bodyType === null)) {
      url = appendQuery(url, encodeQuery(mapping, step.method));
    } else {
      const bodyType = step.bodyType ?? 'json';
      body = encodeBody(bodyType, mapping);
      if (!hasContentType) headers['Content-Type'] = DEFAULT_CONTENT_TYPES[bodyType];
    }
  }
  if (!hasIdempotencyKey) headers['Idempotency-Key'] = `${runId}:${step.usid}`;
  return { request: { method: step.method, url, headers, body }, sensitiveValues };
}

/** Case-insensitive comparison with a lower-case name; the length check avoids most lowering. */
function isHeaderName(name: string, lowerCaseName: string): boolean {
  return name.length === lowerCaseName.length && name.toLowerCase() === lowerCaseName;
}

/** A header or field value as text: objects as JSON; null and undefined give none. */
function fieldText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null || value === undefined) return undefined;
  // Rendered templates hold JSON values only, so anything left is an object or an array.
  return JSON.stringify(value);
}

function collectSensitive(value: string, into: string[]): void {
  for (const part of sensitiveHeaderParts(value)) {
    if (part.length >= MIN_REDACTED_LENGTH && !into.includes(part)) into.push(part);
  }
}

/** The URL without its fragment, or a TemplateError naming what was rendered. */
function renderServiceUrl(rendered: unknown): string {
  if (typeof rendered === 'string') {
    const known = checkedUrls.get(rendered);
    if (known !== undefined) return known;
    const url = parseHttpUrl(rendered);
    if (url !== undefined) {
      const href = url.hash === '' ? url.href : url.href.slice(0, -url.hash.length);
      if (checkedUrls.size >= MAX_CHECKED_URLS) checkedUrls.clear();
      checkedUrls.set(rendered, href);
      return href;
    }
  }
  const shown = show(rendered);
  throw new TemplateError(
    'TEMPLATE_UNRESOLVED',
    `/service_url: service_url rendered to ${shown}, which is not an http(s) URL`,
    { expression: shown, pointer: '/service_url' },
  );
}

function parseHttpUrl(text: string): URL | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== ''
    ? url
    : undefined;
}

function appendQuery(url: string, query: string): string {
  if (query === '') return url;
  if (url.endsWith('?') || url.endsWith('&')) return url + query;
  return url + (url.includes('?') ? '&' : '?') + query;
}

function encodeQuery(mapping: unknown, method: HttpMethod): string {
  if (typeof mapping === 'string') return mapping.startsWith('?') ? mapping.slice(1) : mapping;
  if (isRecord(mapping)) return encodeFields(mapping);
  throw shapeError(
    `${method} sends its mapping as query parameters, so it must be an object or a query string`,
    mapping,
  );
}

function encodeBody(bodyType: BodyType, mapping: unknown): string {
  switch (bodyType) {
    case 'json':
      return JSON.stringify(mapping);
    case 'text':
      return typeof mapping === 'string' ? mapping : JSON.stringify(mapping);
    case 'form':
      if (typeof mapping === 'string') return mapping;
      if (isRecord(mapping)) return encodeFields(mapping);
      throw shapeError('a form body must be an object or an encoded string', mapping);
  }
}

/** `application/x-www-form-urlencoded` fields; objects and arrays as JSON, null skipped. */
function encodeFields(fields: Record<string, unknown>): string {
  const params = new URLSearchParams();
  for (const name of Object.keys(fields)) {
    const value = fieldText(fields[name]);
    if (value !== undefined) params.append(name, value);
  }
  return params.toString();
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function shapeError(expected: string, received: unknown): TemplateError {
  const kind = Array.isArray(received) ? 'an array' : `a ${typeof received}`;
  const shown = show(received);
  return new TemplateError(
    'TEMPLATE_UNRESOLVED',
    `${MAPPING_POINTER}: ${expected}, got ${kind} ${shown}`,
    { expression: shown, pointer: MAPPING_POINTER },
  );
}

/** A rendered value for an error message: strings quoted, others as JSON, both shortened. */
function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(shorten(value));
  return shorten(JSON.stringify(value) ?? String(value));
}

function shorten(text: string): string {
  return text.length > QUOTE_CHARS ? `${text.slice(0, QUOTE_CHARS)}...` : text;
}
