/**
 * ObjSpace blocks entry point (`objspace-workflow-engine/blocks`): blocks to payload, result to
 * block, and a client of the service. Web platform APIs only, so it runs unchanged in Node and in
 * Cloudflare Workers; the rest of the project is imported for types only, plus the engine's
 * error classes (a module without imports).
 */
export { transformBlocks, transformBlocksToPayload } from './transform.js';
export { BlockTransformError } from './transform-error.js';
export type { BlockTransformIssue } from './transform-error.js';
export { toSnakeCase } from './step-name.js';
export { parseWorkflowLabel } from './workflow-label.js';
export type { WorkflowLabel } from './workflow-label.js';
export { createResultBlock } from './result-block.js';
export type {
  ApiConfigData,
  BlockContent,
  ObjSpaceBlock,
  ResultBlockCounts,
  ResultBlockOptions,
  TransformOptions,
  TransformResult,
  WorkflowResultBlock,
  WorkflowResultBlockData,
} from './types.js';
export { WorkflowEngineClient } from './client.js';
export { DEFAULT_CLIENT_TIMEOUT_MS } from './client-options.js';
export type { WorkflowEngineClientOptions } from './client-options.js';
export type { AsyncExecution, RunFilter, StreamEventsOptions, ValidationReport } from './client.js';
export type { CallOptions } from './client-request.js';
export { WorkflowEngineClientError } from './client-error.js';
export type { ClientErrorCode, WorkflowEngineClientErrorOptions } from './client-error.js';
export { ServerSentEventParser, parseServerSentEvents, readServerSentEvents } from './sse.js';
export type { ServerSentEvent } from './sse.js';
export type { PipelineSettings, StepConfig, WorkflowPayload } from '../core/payload/schema.js';
export type {
  RunRecord,
  StepHistoryEntry,
  WorkflowEvent,
  WorkflowResult,
} from '../core/run/types.js';
