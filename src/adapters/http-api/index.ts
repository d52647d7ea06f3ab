/** The HTTP service (SPEC 7): Fastify routes, schemas, auth and error-to-HTTP mapping. */
export { buildServer } from './build-server.js';
export { trackConnections } from './connection-drain.js';
export type { ConnectionDrain } from './connection-drain.js';
export { errorReply } from './error-mapping.js';
export type { ErrorBody, ErrorContext, ErrorReply } from './error-mapping.js';
export { HttpRequestError } from './request-error.js';
export type { RequestErrorCode } from './request-error.js';
export { SERVICE_NAME } from './routes/health.js';
export { DEFAULT_LIST_LIMIT, MAX_LIST_LIMIT } from './schemas.js';
export type { HttpApiApp, HttpApiConfig, HttpApiSettings, RunsApi } from './types.js';
