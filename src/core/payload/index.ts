/** The workflow payload: its schema and types, the defaults of its settings, its JSON Schema. */
export {
  BACKOFF_KINDS,
  BODY_TYPES,
  ErrorHandlingSchema,
  EVENT_NAMES,
  HTTP_METHODS,
  InputPrepConfigSchema,
  NotificationsSchema,
  ON_MISSING_MODES,
  PipelineSettingsSchema,
  StepConfigSchema,
  TimeoutsSchema,
  TRIGGER_RULES,
  WorkflowPayloadSchema,
} from './schema.js';
export type {
  BackoffKind,
  BodyType,
  HttpMethod,
  OnMissingMode,
  PipelineSettings,
  StepConfig,
  TriggerRule,
  WorkflowEventName,
  WorkflowPayload,
} from './schema.js';
export {
  DEFAULT_HTTP_TIMEOUT_MS,
  DEFAULT_MAX_PARALLEL_STEPS,
  DEFAULT_MAX_RETRIES,
  DEFAULT_MAX_RETRY_DELAY_MS,
  DEFAULT_NAMESPACE,
  DEFAULT_RETRY_DELAY_MS,
  DEFAULT_STEP_TIMEOUT_MS,
  DEFAULT_TOTAL_PIPELINE_TIMEOUT_MS,
  DEFAULT_VALIDATION_LIMITS,
  DEFAULT_WORKFLOW_ID,
} from './defaults.js';
export type { ValidationLimits } from './defaults.js';
export { PAYLOAD_JSON_SCHEMA_DIALECT, payloadJsonSchema } from './json-schema.js';
