/**
 * Shapes of ObjSpace blocks as the backend stores them (SPEC 8), and the options of the block
 * helpers. Type-only: nothing here exists at run time.
 */
import type { PipelineSettings, WorkflowPayload } from '../core/payload/schema.js';
import type { RunStatus, StepHistoryEntry } from '../core/run/types.js';

/**
 * The `data` of an `api_config` block: one HTTP call of the workflow.
 *
 * Besides the fields below, `output_mapping`, `trigger_rule`, `max_retries`, `retry_delay`,
 * `timeout`, `http_timeout` and `description` are copied to the step when present (same meaning
 * and units as in the payload); other fields are ignored.
 */
export interface ApiConfigData {
  /** http(s) URL of the service; may contain `{{templates}}`. Required. */
  service_url: string;
  /** GET, POST, PUT, PATCH or DELETE (any case). @defaultValue `"POST"` */
  method?: string;
  /** Request headers; values may contain `{{templates}}`. */
  headers?: Record<string, string>;
  /** The JSON body (query parameters for GET); strings inside may contain `{{templates}}`. */
  body_template?: unknown;
  /** Names of the values the step produces. @defaultValue `["<step_name>_result"]` */
  outputs?: string[];
  [field: string]: unknown;
}

/** What a block holds; only `api_config` blocks become steps. */
export interface BlockContent {
  type: string;
  data?: unknown;
}

/**
 * An ObjSpace block. A block takes part in workflow `<name>` at position `<index>` through a label
 * whose key is `workflow:<name>:<index>`; the `depends_on` label lists, comma-separated, the
 * workflow labels of the blocks it waits for.
 */
export interface ObjSpaceBlock {
  blockId: string;
  title: string;
  content: BlockContent;
  labels?: Record<string, string>;
}

/** What {@link transformBlocks} and `transformBlocksToPayload` accept besides the blocks. */
export interface TransformOptions {
  /**
   * Workflow whose blocks become steps; it is also written to `payload.workflow_name`.
   * @defaultValue the one workflow name the blocks' labels share; when they name several, an error
   * asks for this option.
   */
  workflowName?: string;
  /** Becomes `PIPELINE_SETTINGS` unchanged. */
  pipelineSettings?: PipelineSettings;
  /** Becomes `original_input` (any JSON value). */
  originalInput?: unknown;
  /** Becomes `input_data`: each key a template variable. */
  inputData?: Record<string, unknown>;
  /** Receives the one warning listing the blocks left out, if any were. */
  onWarning?: (message: string) => void;
}

/** The payload built from blocks, and the warnings the transformation raised (at most one). */
export interface TransformResult {
  payload: WorkflowPayload;
  warnings: string[];
}

/** Step counts of a run, as stored in a result block. */
export interface ResultBlockCounts {
  total_steps: number;
  steps_completed: number;
  steps_failed: number;
  steps_aborted: number;
  steps_cancelled: number;
}

/** The `data` of a `workflow_result` block: one run of a workflow. */
export interface WorkflowResultBlockData {
  run_id: string;
  workflow_id: string;
  namespace: string;
  status: Exclude<RunStatus, 'running'>;
  success: boolean;
  final_result: unknown;
  /** `all_outputs` of a successful run, `partial_outputs` otherwise. */
  outputs: Record<string, unknown>;
  /** Which step failed and why; null on success. */
  error: string | null;
  /** Seconds. */
  execution_time: number;
  /** The step history, one entry per step in the payload's order. */
  steps: StepHistoryEntry[];
  counts: ResultBlockCounts;
}

/** The block the backend stores for one run (see {@link createResultBlock}). */
export interface WorkflowResultBlock extends ObjSpaceBlock {
  content: { type: 'workflow_result'; data: WorkflowResultBlockData };
  labels: Record<string, string>;
}

/** What `createResultBlock` accepts besides the result. */
export interface ResultBlockOptions {
  /**
   * Workflow name used in the title and in the `workflow:<name>:result` label; pass the name of
   * the blocks' labels so the backend finds the result beside them.
   * @defaultValue `result.workflow_name`, else the workflow id
   */
  workflowName?: string;
  /** @defaultValue `"result-<run_id>"` */
  blockId?: string;
}
