/**
 * Route schemas: they validate path and query parameters and generate `/openapi.json`. Response
 * schemas document the answers only; bodies are written with JSON.stringify, so a field missing
 * from a schema is never dropped.
 */
import { Type, type TSchema } from '@sinclair/typebox';
import { EVENT_NAMES } from '../../core/payload/index.js';

/** Most runs one `GET /api/runs` returns. */
export const MAX_LIST_LIMIT = 500;
/** Runs `GET /api/runs` returns when `limit` is not given. */
export const DEFAULT_LIST_LIMIT = 50;

const RUN_STATUSES = ['running', 'succeeded', 'failed', 'cancelled', 'timed_out'] as const;
const STEP_STATUSES = [
  'pending',
  'running',
  'retrying',
  'completed',
  'failed',
  'aborted',
  'cancelled',
] as const;
const open = { additionalProperties: true } as const;
// A string enum rather than a union of literals: a wrong value then yields one validation issue
// listing the allowed values instead of one "must be equal to constant" per literal.
const literals = <T extends string>(values: readonly T[], description?: string) =>
  Type.Unsafe<T>({
    type: 'string',
    enum: [...values],
    ...(description === undefined ? {} : { description }),
  });
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const ErrorBodySchema = Type.Object(
  {
    success: Type.Literal(false),
    error: Type.String({ description: 'What went wrong, in words.' }),
    code: Type.String({ description: 'Stable error code, e.g. NOT_FOUND.' }),
    details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { ...open, description: 'Every error answer.' },
);

export const InvalidPayloadBodySchema = Type.Object(
  {
    success: Type.Literal(false),
    error: Type.String(),
    code: Type.Literal('INVALID_PAYLOAD'),
    validation_errors: Type.Array(Type.String(), {
      description: '"<JSON pointer>: <sentence>" per problem.',
    }),
    issues: Type.Array(
      Type.Object({ path: Type.String(), code: Type.String(), message: Type.String() }),
    ),
  },
  { description: 'The payload failed validation; nothing ran.' },
);

const StepHistoryEntrySchema = Type.Object(
  {
    usid: Type.String(),
    step_name: Type.String(),
    status: literals(STEP_STATUSES),
    reason: Nullable(Type.String()),
    error: Nullable(Type.String()),
    attempts: Type.Integer(),
    http_status: Nullable(Type.Integer()),
    started_at: Nullable(Type.String({ format: 'date-time' })),
    finished_at: Nullable(Type.String({ format: 'date-time' })),
    duration_ms: Nullable(Type.Number()),
    outputs: Nullable(Type.Record(Type.String(), Type.Unknown())),
  },
  open,
);

const resultFields = {
  run_id: Type.String(),
  workflow_id: Type.String(),
  namespace: Type.String(),
  workflow_name: Type.Optional(Type.String()),
  execution_time: Type.Number({ description: 'Seconds.' }),
  steps_completed: Type.Integer(),
  steps_failed: Type.Integer(),
  steps_aborted: Type.Integer(),
  steps_cancelled: Type.Integer(),
  final_result: Type.Unknown(),
  all_outputs: Type.Optional(
    Type.Record(Type.String(), Type.Unknown(), { description: 'On success.' }),
  ),
  partial_outputs: Type.Optional(
    Type.Record(Type.String(), Type.Unknown(), {
      description: 'On failure, cancellation or time-out.',
    }),
  ),
  error: Type.Optional(Type.String()),
  steps: Type.Array(StepHistoryEntrySchema),
};

export const WorkflowResultSchema = Type.Object(
  {
    success: Type.Boolean(),
    status: literals(RUN_STATUSES.filter((status) => status !== 'running')),
    ...resultFields,
  },
  { ...open, description: 'The result of a run that started, whatever its outcome (HTTP 200).' },
);

export const RunRecordSchema = Type.Object(
  {
    success: Nullable(Type.Boolean()),
    status: literals(RUN_STATUSES),
    ...resultFields,
    created_at: Type.String({ format: 'date-time' }),
    finished_at: Nullable(Type.String({ format: 'date-time' })),
  },
  {
    ...open,
    description: 'A run as stored: the result fields plus its times; `running` while it runs.',
  },
);

export const RunListSchema = Type.Object({
  runs: Type.Array(RunRecordSchema, { description: 'Newest first.' }),
  next_before: Type.Optional(Type.String({ description: 'Pass as `before` for the next page.' })),
});

export const AcceptedRunSchema = Type.Object(
  {
    run_id: Type.String(),
    status_url: Type.String({ description: 'GET it for the run record.' }),
    events_url: Type.String({ description: 'GET it for the Server-Sent Events stream.' }),
  },
  { description: 'The run started in the background.' },
);

export const PlanSchema = Type.Object({
  valid: Type.Literal(true),
  plan: Type.Object({
    levels: Type.Array(Type.Array(Type.String()), {
      description: 'usids per level: each level can run once the levels before it have.',
    }),
  }),
});

export const HealthSchema = Type.Object({
  status: literals(['healthy', 'degraded']),
  service: Type.String(),
  version: Type.String(),
  active_runs: Type.Integer(),
  store: Type.Object({
    kind: Type.String(),
    status: literals(['ok', 'unavailable']),
    error: Type.Optional(Type.String()),
  }),
});

export const RunIdParamsSchema = Type.Object({
  run_id: Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9_.:-]+$' }),
});

export const ExecuteQuerySchema = Type.Object(
  {
    async: Type.Optional(
      literals(
        ['true', 'false', '1', '0'],
        'true: answer 202 at once and run in the background (same as Prefer: respond-async).',
      ),
    ),
  },
  open,
);

export const ListRunsQuerySchema = Type.Object(
  {
    workflow_id: Type.Optional(Type.String({ minLength: 1 })),
    namespace: Type.Optional(Type.String({ minLength: 1 })),
    status: Type.Optional(literals(RUN_STATUSES)),
    limit: Type.Integer({ minimum: 1, maximum: MAX_LIST_LIMIT, default: DEFAULT_LIST_LIMIT }),
    before: Type.Optional(
      Type.String({ minLength: 1, description: 'run_id cursor: only runs created before it.' }),
    ),
  },
  open,
);

export const EventsQuerySchema = Type.Object(
  {
    after: Type.Optional(
      Type.Integer({
        minimum: 0,
        description: 'Resume after this sequence number (the Last-Event-ID header wins).',
      }),
    ),
  },
  open,
);

/** Documentation of the event stream's messages. */
export const EVENT_STREAM_DESCRIPTION =
  'text/event-stream: one message per run event (`id: <sequence>`, `event: <name>`, `data: <event JSON>`), ' +
  `names ${EVENT_NAMES.join(', ')}; past events first, then live ones; the stream ends after ` +
  'workflow_completed or workflow_failed. Comment lines keep the connection alive.';
