/**
 * ObjSpace Workflow Engine: runs workflows of HTTP-call steps as a parallel DAG.
 *
 * @example
 * import { executeWorkflow } from 'objspace-workflow-engine';
 * const result = await executeWorkflow(payload, { onEvent: (event) => console.log(event.event) });
 */

// Running workflows
export { DEFAULT_MAX_RESPONSE_BYTES, executeWorkflow } from './app/execute-workflow.js';
export type { ExecuteWorkflowOptions } from './app/execute-workflow.js';
export { resumeWorkflow } from './app/resume-workflow.js';
export type { ResumeWorkflowOptions } from './app/resume-workflow.js';

// Validation, planning and the payload schema
export { resolveWorkflow, toDot, toMermaid, validatePayload } from './core/dag/index.js';
export type { ValidationOutcome } from './core/dag/index.js';
export type { ResolvedStep, ResolvedWorkflow } from './core/dag/types.js';
export {
  DEFAULT_VALIDATION_LIMITS,
  payloadJsonSchema,
  WorkflowPayloadSchema,
} from './core/payload/index.js';
export type {
  PipelineSettings,
  StepConfig,
  ValidationLimits,
  WorkflowEventName,
  WorkflowPayload,
} from './core/payload/index.js';

// Errors
export {
  ConfigError,
  ConflictError,
  isWorkflowEngineError,
  NotFoundError,
  StepExecutionError,
  StorageError,
  TemplateError,
  UnavailableError,
  ValidationError,
  WorkflowEngineError,
} from './core/errors.js';
export type { ErrorCode, ValidationIssue } from './core/errors.js';

// Results, history and events
export type {
  RunRecord,
  RunStatus,
  StepHistoryEntry,
  StepStatus,
  WorkflowEvent,
  WorkflowResult,
} from './core/run/index.js';

// Ports and their adapters
export type { Clock } from './ports/clock.js';
export type { Logger } from './ports/logger.js';
export type { Notifier, RunNotifier } from './ports/notifier.js';
export type { NewRun, RunFilter, RunStore, StepTransition, StoredRun } from './ports/run-store.js';
export type { HttpRequest, HttpResponse, StepExecutor } from './ports/step-executor.js';
export {
  createRunStore,
  MemoryRunStore,
  RedisRunStore,
  UpstashRunStore,
} from './adapters/storage/index.js';
export type {
  MemoryRunStoreOptions,
  RedisRunStoreOptions,
  RunStoreKind,
  UpstashRunStoreOptions,
} from './adapters/storage/index.js';
export { systemClock } from './adapters/clock/index.js';
export { UndiciStepExecutor } from './adapters/executor/http/index.js';
export { WebhookNotifier } from './adapters/notifier/webhook/index.js';
export type { WebhookNotifierOptions } from './adapters/notifier/webhook/index.js';

// ObjSpace blocks and the client of the service (also at objspace-workflow-engine/blocks)
export {
  createResultBlock,
  transformBlocks,
  transformBlocksToPayload,
  WorkflowEngineClient,
  WorkflowEngineClientError,
} from './blocks/index.js';
export type {
  ObjSpaceBlock,
  TransformOptions,
  WorkflowEngineClientOptions,
  WorkflowResultBlock,
} from './blocks/index.js';
