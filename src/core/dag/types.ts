import type {
  BackoffKind,
  BodyType,
  HttpMethod,
  OnMissingMode,
  TriggerRule,
  WorkflowEventName,
  WorkflowPayload,
} from '../payload/schema.js';
import type { CompiledTemplate } from '../template/types.js';

/** How a dependency name was resolved (SPEC 3.1, 3.2). */
export type ResolvedDependency =
  | { kind: 'step'; name: string; stepIndex: number }
  /** `selection_X` produced by a step: wait for it, then run only if selected. */
  | { kind: 'selection'; name: string; stepIndex: number }
  /** `selection_X` given in input_data: no wait; the gate is known at start. */
  | { kind: 'input-selection'; name: string }
  /** An input_data key: available from the start, nothing to wait for. */
  | { kind: 'input'; name: string };

/** Retry settings of one step, defaults and overrides applied, times in ms. */
export interface ResolvedRetryPolicy {
  maxRetries: number;
  retryDelayMs: number;
  maxRetryDelayMs: number;
  backoff: BackoffKind;
}

/** The templated parts of a step, parsed once per run. */
export interface StepTemplates {
  serviceUrl: CompiledTemplate;
  headers: CompiledTemplate;
  mapping: CompiledTemplate;
}

/** A validated step with every default applied and every dependency resolved. */
export interface ResolvedStep {
  /** Position in STEPS_CONFIG (0-based). */
  index: number;
  usid: string;
  name: string;
  method: HttpMethod;
  /** `input_prep_config.type` as given; null when absent (json for bodies, query for DELETE). */
  bodyType: BodyType | null;
  outputs: string[];
  outputMapping: Record<string, string> | null;
  dependencies: ResolvedDependency[];
  /** Distinct indexes of the steps this one waits for. */
  upstream: number[];
  /** Distinct indexes of the steps that wait for this one. */
  downstream: number[];
  triggerRule: TriggerRule;
  retry: ResolvedRetryPolicy;
  stepTimeoutMs: number;
  httpTimeoutMs: number;
  labels: string[];
  templates: StepTemplates;
  /** 1-based position in the topological order (the webhook's `step_index`). */
  topoIndex: number;
  /** 0-based level of the plan: steps of one level can run once earlier levels have. */
  level: number;
}

/** PIPELINE_SETTINGS with defaults applied, times in ms. */
export interface ResolvedSettings {
  raiseOnError: boolean;
  totalTimeoutMs: number;
  maxParallelSteps: number;
  onMissing: OnMissingMode;
  finalOutput: string | null;
  notifications: ResolvedNotifications | null;
}

export interface ResolvedNotifications {
  webhookUrl: string;
  secret: string | null;
  /** Event names to send; null sends all. */
  events: ReadonlySet<WorkflowEventName> | null;
}

/** A payload that passed validation, ready to run. */
export interface ResolvedWorkflow {
  workflowId: string;
  namespace: string;
  workflowName: string | null;
  originalInput: unknown;
  inputData: Record<string, unknown>;
  steps: ResolvedStep[];
  settings: ResolvedSettings;
  /** Step indexes per plan level. */
  levels: number[][];
  /** Step indexes in topological order. */
  topoOrder: number[];
  /** The payload as received (unknown fields kept). */
  payload: WorkflowPayload;
}
