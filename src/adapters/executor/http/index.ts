/** Outbound HTTP step executor over undici. */
export {
  DEFAULT_CONNECTIONS_PER_ORIGIN,
  DEFAULT_KEEP_ALIVE_TIMEOUT_MS,
  DEFAULT_MAX_REDIRECTIONS,
  UndiciStepExecutor,
} from './undici-step-executor.js';
export type {
  ResolvedUndiciStepExecutorOptions,
  UndiciStepExecutorOptions,
} from './undici-step-executor.js';
