/**
 * Turns a payload that passed every check into a {@link ResolvedWorkflow}: defaults applied,
 * seconds converted to milliseconds, dependencies and plan attached to each step.
 */
import {
  DEFAULT_HTTP_TIMEOUT_MS,
  DEFAULT_MAX_PARALLEL_STEPS,
  DEFAULT_MAX_RETRIES,
  DEFAULT_MAX_RETRY_DELAY_MS,
  DEFAULT_NAMESPACE,
  DEFAULT_RETRY_DELAY_MS,
  DEFAULT_STEP_TIMEOUT_MS,
  DEFAULT_TOTAL_PIPELINE_TIMEOUT_MS,
  DEFAULT_WORKFLOW_ID,
} from '../payload/defaults.js';
import type {
  BackoffKind,
  BodyType,
  HttpMethod,
  OnMissingMode,
  PipelineSettings,
  StepConfig,
  TriggerRule,
  WorkflowEventName,
  WorkflowPayload,
} from '../payload/schema.js';
import { ALL_EVENTS } from './check-settings.js';
import type { StepGraph, StepPlan } from './graph-order.js';
import type {
  ResolvedDependency,
  ResolvedNotifications,
  ResolvedSettings,
  ResolvedStep,
  ResolvedWorkflow,
  StepTemplates,
} from './types.js';

/** What validation computed, ready to be assembled. */
export interface WorkflowParts {
  payload: WorkflowPayload;
  dependencies: readonly ResolvedDependency[][];
  graph: StepGraph;
  plan: StepPlan;
  templates: readonly StepTemplates[];
}

/** Assembles the resolved workflow; trusts that every part was validated. */
export function buildWorkflow(parts: WorkflowParts): ResolvedWorkflow {
  const { payload, plan } = parts;
  const settings = payload.PIPELINE_SETTINGS ?? {};
  const topoIndex = new Int32Array(payload.STEPS_CONFIG.length);
  plan.topoOrder.forEach((step, position) => {
    topoIndex[step] = position + 1;
  });
  const steps = payload.STEPS_CONFIG.map((config, index) =>
    buildStep(config, index, parts, settings, topoIndex[index] ?? 0),
  );
  return {
    workflowId: payload.workflow_id ?? DEFAULT_WORKFLOW_ID,
    namespace: payload.namespace ?? DEFAULT_NAMESPACE,
    workflowName: payload.workflow_name ?? null,
    originalInput: payload.original_input ?? null,
    inputData: payload.input_data ?? {},
    steps,
    settings: resolveSettings(settings),
    levels: plan.levels,
    topoOrder: plan.topoOrder,
    payload,
  };
}

function buildStep(
  config: StepConfig,
  index: number,
  parts: WorkflowParts,
  settings: PipelineSettings,
  topoIndex: number,
): ResolvedStep {
  const handling = settings.error_handling ?? {};
  const timeouts = settings.timeouts ?? {};
  const retryDelay = config.retry_delay ?? handling.retry_delay;
  const stepTimeout = config.timeout ?? timeouts.step_timeout;
  const httpTimeout = config.http_timeout ?? timeouts.http_timeout;
  return {
    index,
    usid: config.usid,
    name: config.step_name,
    // The schema types its enums as string; the structural check admitted only listed values.
    method: (config.method ?? 'POST') as HttpMethod,
    bodyType: (config.input_prep_config?.type ?? null) as BodyType | null,
    outputs: config.outputs,
    outputMapping: config.output_mapping ?? null,
    dependencies: parts.dependencies[index] ?? [],
    upstream: parts.graph.upstream[index] ?? [],
    downstream: parts.graph.downstream[index] ?? [],
    triggerRule: (config.trigger_rule ?? 'all_success') as TriggerRule,
    retry: {
      maxRetries: config.max_retries ?? handling.max_retries ?? DEFAULT_MAX_RETRIES,
      retryDelayMs: retryDelay === undefined ? DEFAULT_RETRY_DELAY_MS : secondsToMs(retryDelay),
      maxRetryDelayMs: orDefault(handling.max_retry_delay, DEFAULT_MAX_RETRY_DELAY_MS),
      backoff: (handling.backoff ?? 'exponential') as BackoffKind,
    },
    stepTimeoutMs: timeoutMs(stepTimeout, DEFAULT_STEP_TIMEOUT_MS),
    httpTimeoutMs: timeoutMs(httpTimeout, DEFAULT_HTTP_TIMEOUT_MS),
    labels: config.labels ?? [],
    // Every step's templates compiled, or validation would have failed.
    templates: parts.templates[index] as StepTemplates,
    topoIndex,
    level: parts.plan.levelOf[index] ?? 0,
  };
}

function resolveSettings(settings: PipelineSettings): ResolvedSettings {
  return {
    raiseOnError: settings.error_handling?.raise_on_error ?? true,
    totalTimeoutMs: timeoutMs(
      settings.timeouts?.total_pipeline_timeout,
      DEFAULT_TOTAL_PIPELINE_TIMEOUT_MS,
    ),
    maxParallelSteps: settings.concurrency?.max_parallel_steps ?? DEFAULT_MAX_PARALLEL_STEPS,
    onMissing: (settings.templating?.on_missing ?? 'error') as OnMissingMode,
    finalOutput: settings.final_output || null,
    notifications: resolveNotifications(settings.notifications),
  };
}

function resolveNotifications(
  notifications: PipelineSettings['notifications'],
): ResolvedNotifications | null {
  const webhookUrl = notifications?.webhook_url;
  if (webhookUrl === undefined || webhookUrl === '') return null;
  const events = notifications?.events;
  return {
    webhookUrl,
    secret: notifications?.secret ?? null,
    // Validation rejected every other name, so the rest are event names.
    events:
      events === undefined || events.includes(ALL_EVENTS)
        ? null
        : new Set(events as WorkflowEventName[]),
  };
}

/** Whole milliseconds; the payload writes seconds with fractions. */
function secondsToMs(seconds: number): number {
  return Math.round(seconds * 1000);
}

function orDefault(seconds: number | undefined, defaultMs: number): number {
  return seconds === undefined ? defaultMs : secondsToMs(seconds);
}

/** A timeout is > 0 s (validated); a tiny one still rounds to at least 1 ms. */
function timeoutMs(seconds: number | undefined, defaultMs: number): number {
  return seconds === undefined ? defaultMs : Math.max(1, secondsToMs(seconds));
}
