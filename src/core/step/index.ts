/** One HTTP step's pure logic: request rendering, output extraction and failure wording. */
export {
  describeAttemptsSuffix,
  describeConnectionFailure,
  describeHttpFailure,
  describeTimeout,
  describeTooLarge,
  describeTooManyRedirects,
  FAILURE_BODY_PREVIEW_CHARS,
  formatBytes,
  formatSeconds,
} from './describe-failure.js';
export type { ConnectionProblem } from './describe-failure.js';
export { extractOutputs, parseResponseBody } from './extract-outputs.js';
export { DEFAULT_CONTENT_TYPES, prepareRequest } from './prepare-request.js';
export type { PreparedRequest } from './prepare-request.js';
export type { PreparedHttpRequest } from './types.js';
