import type { HttpMethod } from '../payload/schema.js';

/**
 * The rendered request of one attempt. It has the shape of the executor port's `HttpRequest`, so
 * it can be handed to any `StepExecutor` as is; it is declared here because core depends on
 * nothing outside core.
 */
export interface PreparedHttpRequest {
  method: HttpMethod;
  /** Absolute http(s) URL, query included, fragment removed. */
  url: string;
  /** Header names as the step wrote them, plus the defaults added by `prepareRequest`. */
  headers: Record<string, string>;
  /** Encoded body, or null (GET, query-style DELETE, no mapping). */
  body: string | null;
}
