/** Options of the workflow engine client, their defaults and their checks. */
import { ConfigError } from '../core/errors.js';
import type { ResolvedWorkflowEngineClientOptions } from './client-request.js';

/**
 * Default time a call may take, in ms: the default `total_pipeline_timeout` (300 s) plus a margin,
 * so that a synchronous run ends on the service before the client gives up.
 */
export const DEFAULT_CLIENT_TIMEOUT_MS = 310_000;

/** Longest timeout `setTimeout` honours, in ms. */
const MAX_TIMEOUT_MS = 2_147_483_647;

/** What `new WorkflowEngineClient(...)` accepts. */
export interface WorkflowEngineClientOptions {
  /** The service's base URL, e.g. `https://engine.example.com` (a path prefix is kept). */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <token>` (the service's `ENGINE_API_TOKEN`). */
  token?: string;
  /** Longest wait for a complete answer, in ms. @defaultValue {@link DEFAULT_CLIENT_TIMEOUT_MS} */
  timeoutMs?: number;
  /** The fetch to use. @defaultValue the global `fetch` */
  fetch?: typeof fetch;
}

/**
 * Applies the defaults and checks every option.
 *
 * @throws {@link ConfigError} naming the invalid option.
 */
export function resolveOptions(
  options: WorkflowEngineClientOptions,
): ResolvedWorkflowEngineClientOptions {
  let baseUrl: URL | undefined;
  try {
    baseUrl = new URL(options.baseUrl);
  } catch {
    baseUrl = undefined;
  }
  if (baseUrl === undefined || (baseUrl.protocol !== 'http:' && baseUrl.protocol !== 'https:')) {
    throw new ConfigError(`baseUrl must be an http(s) URL, got ${JSON.stringify(options.baseUrl)}`);
  }
  // Route paths are relative, so a prefix such as /engine must end with a slash to be kept.
  if (!baseUrl.pathname.endsWith('/')) baseUrl.pathname += '/';
  if (options.token !== undefined && (typeof options.token !== 'string' || options.token === '')) {
    throw new ConfigError('token must be a non-empty string when given');
  }
  const fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  return {
    baseUrl,
    token: options.token,
    timeoutMs: checkTimeout(options.timeoutMs ?? DEFAULT_CLIENT_TIMEOUT_MS),
    fetch: fetchImpl,
  };
}

/**
 * Checks a timeout in ms.
 *
 * @throws {@link ConfigError} when it is not in (0, 2^31 - 1].
 */
export function checkTimeout(timeoutMs: number): number {
  if (!(Number.isFinite(timeoutMs) && timeoutMs > 0 && timeoutMs <= MAX_TIMEOUT_MS)) {
    throw new ConfigError(
      `timeoutMs must be a number of ms in (0, ${MAX_TIMEOUT_MS}], got ${String(timeoutMs)}`,
    );
  }
  return timeoutMs;
}
