/**
 * The workflow payload: one TypeBox schema gives both the TypeScript types and the published JSON
 * Schema (`schema/payload.schema.json`). Structure only; cross-field rules (unique ids,
 * dependencies, cycles, limits) live in core/dag.
 *
 * Every object allows unknown properties: they are kept and ignored (forward compatibility).
 */
import { Type, type Static } from '@sinclair/typebox';

const open = { additionalProperties: true } as const;

/** Seconds, fractions allowed, as the original system wrote them. */
const Seconds = (description: string) => Type.Number({ minimum: 0, description });

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export const BODY_TYPES = ['json', 'form', 'text'] as const;
export const TRIGGER_RULES = [
  'all_success',
  'none_failed_min_one_success',
  'one_success',
  'all_done',
] as const;
export const BACKOFF_KINDS = ['exponential', 'fixed'] as const;
export const ON_MISSING_MODES = ['error', 'keep', 'empty'] as const;
export const EVENT_NAMES = [
  'workflow_started',
  'step_started',
  'step_retrying',
  'step_completed',
  'step_failed',
  'step_aborted',
  'workflow_completed',
  'workflow_failed',
] as const;

const literals = <T extends readonly string[]>(values: T, description: string) =>
  Type.Union(
    values.map((value) => Type.Literal(value)),
    { description },
  );

export const InputPrepConfigSchema = Type.Object(
  {
    type: Type.Optional(literals(BODY_TYPES, 'How the mapping becomes the request body.')),
    mapping: Type.Optional(
      Type.Unknown({ description: 'JSON body (json), fields (form) or string (text); templated.' }),
    ),
  },
  open,
);

export const StepConfigSchema = Type.Object(
  {
    step_name: Type.String({ minLength: 1, description: 'Readable name of the step.' }),
    usid: Type.String({
      pattern: '^[A-Za-z0-9_.:-]{1,64}$',
      description: 'Unique step id: 1 to 64 of A-Z a-z 0-9 _ . : -',
    }),
    service_url: Type.String({ minLength: 1, description: 'http(s) URL; may contain templates.' }),
    method: Type.Optional(literals(HTTP_METHODS, 'HTTP method; default POST.')),
    dependencies: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), {
        description: 'Outputs, usids, step names or labels of the steps this one waits for.',
      }),
    ),
    outputs: Type.Array(Type.String({ minLength: 1 }), {
      minItems: 1,
      description: 'Names of the values this step produces; unique across steps.',
    }),
    headers: Type.Optional(
      Type.Record(Type.String(), Type.String(), { description: 'Header values are templated.' }),
    ),
    input_prep_config: Type.Optional(InputPrepConfigSchema),
    output_mapping: Type.Optional(
      Type.Record(Type.String(), Type.String(), {
        description: 'Per output name, a path into the parsed response.',
      }),
    ),
    max_retries: Type.Optional(
      Type.Integer({ minimum: 0, description: 'Overrides error_handling.max_retries.' }),
    ),
    retry_delay: Type.Optional(Seconds('Overrides error_handling.retry_delay.')),
    timeout: Type.Optional(Seconds('Overrides timeouts.step_timeout.')),
    http_timeout: Type.Optional(Seconds('Overrides timeouts.http_timeout.')),
    trigger_rule: Type.Optional(
      literals(TRIGGER_RULES, 'When the step runs; default all_success.'),
    ),
    labels: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), {
        description: 'Extra names a dependency may use for this step.',
      }),
    ),
  },
  open,
);

export const ErrorHandlingSchema = Type.Object(
  {
    max_retries: Type.Optional(
      Type.Integer({ minimum: 0, description: 'Retries after the first attempt; default 2.' }),
    ),
    retry_delay: Type.Optional(Seconds('Base delay before a retry; default 3.')),
    raise_on_error: Type.Optional(
      Type.Boolean({ description: 'End the run at the first failed step; default true.' }),
    ),
    backoff: Type.Optional(literals(BACKOFF_KINDS, 'Retry delay growth; default exponential.')),
    max_retry_delay: Type.Optional(Seconds('Cap on any retry delay; default 30.')),
  },
  open,
);

export const TimeoutsSchema = Type.Object(
  {
    step_timeout: Type.Optional(Seconds('Whole step, retries included; default 45.')),
    http_timeout: Type.Optional(Seconds('One attempt; default 45.')),
    total_pipeline_timeout: Type.Optional(Seconds('Whole run; default 300.')),
  },
  open,
);

export const NotificationsSchema = Type.Object(
  {
    webhook_url: Type.Optional(Type.String({ description: 'Receives one POST per event.' })),
    secret: Type.Optional(Type.String({ description: 'Standard Webhooks signing secret.' })),
    events: Type.Optional(
      Type.Array(Type.String(), { description: 'Event names to send; ["*"] (default) for all.' }),
    ),
  },
  open,
);

export const PipelineSettingsSchema = Type.Object(
  {
    error_handling: Type.Optional(ErrorHandlingSchema),
    timeouts: Type.Optional(TimeoutsSchema),
    notifications: Type.Optional(NotificationsSchema),
    concurrency: Type.Optional(
      Type.Object(
        {
          max_parallel_steps: Type.Optional(
            Type.Integer({ minimum: 1, description: 'Steps in flight at once; default 16.' }),
          ),
        },
        open,
      ),
    ),
    templating: Type.Optional(
      Type.Object(
        {
          on_missing: Type.Optional(literals(ON_MISSING_MODES, 'Missing variable; default error.')),
        },
        open,
      ),
    ),
    final_output: Type.Optional(Type.String({ description: 'Output returned as final_result.' })),
  },
  open,
);

export const WorkflowPayloadSchema = Type.Object(
  {
    workflow_id: Type.Optional(
      Type.String({ description: 'Workflow definition id; default "unknown".' }),
    ),
    namespace: Type.Optional(Type.String({ description: 'Default "default".' })),
    workflow_name: Type.Optional(Type.String()),
    original_input: Type.Optional(Type.Unknown({ description: 'Any JSON; {{original_input}}.' })),
    input_data: Type.Optional(
      Type.Record(Type.String(), Type.Unknown(), { description: 'Each key becomes a variable.' }),
    ),
    STEPS_CONFIG: Type.Array(StepConfigSchema, { minItems: 1 }),
    PIPELINE_SETTINGS: Type.Optional(PipelineSettingsSchema),
  },
  {
    ...open,
    $id: 'https://objspace.dev/schemas/workflow-payload.json',
    title: 'ObjSpace workflow payload',
  },
);

export type HttpMethod = (typeof HTTP_METHODS)[number];
export type BodyType = (typeof BODY_TYPES)[number];
export type TriggerRule = (typeof TRIGGER_RULES)[number];
export type BackoffKind = (typeof BACKOFF_KINDS)[number];
export type OnMissingMode = (typeof ON_MISSING_MODES)[number];
export type WorkflowEventName = (typeof EVENT_NAMES)[number];
export type StepConfig = Static<typeof StepConfigSchema>;
export type PipelineSettings = Static<typeof PipelineSettingsSchema>;
export type WorkflowPayload = Static<typeof WorkflowPayloadSchema>;
