/**
 * The library's entry point: validate a payload and run it with the default adapters
 * (undici executor, system clock, no store unless given).
 */
import { ulid } from 'ulid';
import { UndiciStepExecutor } from '../adapters/executor/http/index.js';
import { systemClock } from '../adapters/clock/index.js';
import { resolveWorkflow } from '../core/dag/index.js';
import type { ValidationLimits } from '../core/payload/defaults.js';
import type { WorkflowEvent, WorkflowResult } from '../core/run/index.js';
import { secretsFromEnv } from '../config/secrets.js';
import { runWorkflow, type EngineDependencies, type RunOptions } from '../engine/index.js';
import type { Clock } from '../ports/clock.js';
import { silentLogger, type Logger } from '../ports/logger.js';
import type { RunStore } from '../ports/run-store.js';
import type { StepExecutor } from '../ports/step-executor.js';

/** Largest response body a step accepts, unless configured: 10 MiB. */
export const DEFAULT_MAX_RESPONSE_BYTES = 10 * 1024 * 1024;

/** What callers of {@link executeWorkflow} may pass; every field is optional. */
export interface ExecuteWorkflowOptions {
  /** Aborting it cancels the run (in-flight requests aborted, status `cancelled`). */
  signal?: AbortSignal;
  /** Receives every progress event, in order. */
  onEvent?: (event: WorkflowEvent) => void;
  /** Keeps the run's record, outputs and events; none by default. */
  store?: RunStore;
  /** `{{secrets.NAME}}` values. @defaultValue the `WFE_SECRET_*` environment variables */
  secrets?: Record<string, string>;
  /** Validation limits (steps, dependencies, template length, ...). */
  limits?: Partial<ValidationLimits>;
  /** Sends the steps' requests. @defaultValue a new undici executor, closed after the run */
  executor?: StepExecutor;
  /** Largest response body a step accepts, in bytes. @defaultValue 10 MiB */
  maxResponseBytes?: number;
  /** Run id to use. @defaultValue a new ULID */
  runId?: string;
  logger?: Logger;
  clock?: Clock;
}

/**
 * Validates `payload` and runs it to its end.
 *
 * @returns the result of the run, whatever its outcome (check `success` and `status`).
 * @throws ValidationError when the payload is invalid (nothing runs); StorageError when the store
 *   refuses to record the run's start.
 * @example
 * const result = await executeWorkflow(payload, { onEvent: (event) => console.log(event.event) });
 */
export async function executeWorkflow(
  payload: unknown,
  options: ExecuteWorkflowOptions = {},
): Promise<WorkflowResult> {
  const workflow = resolveWorkflow(payload, options.limits);
  return withEngine(options, (dependencies) =>
    runWorkflow(workflow, dependencies, runOptions(options.runId ?? ulid(), options)),
  );
}

/** Runs `body` with the engine's dependencies, closing the executor if it was made here. */
export async function withEngine<T>(
  options: ExecuteWorkflowOptions,
  body: (dependencies: EngineDependencies) => Promise<T>,
): Promise<T> {
  const executor = options.executor ?? new UndiciStepExecutor();
  try {
    return await body({
      executor,
      clock: options.clock ?? systemClock,
      logger: options.logger ?? silentLogger,
      store: options.store ?? null,
      secrets: options.secrets ?? secretsFromEnv(),
      maxResponseBytes: options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
      random: Math.random,
    });
  } finally {
    if (options.executor === undefined) await executor.close();
  }
}

/** The per-run options of `options`. */
export function runOptions(runId: string, options: ExecuteWorkflowOptions): RunOptions {
  return {
    runId,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    ...(options.onEvent === undefined ? {} : { onEvent: options.onEvent }),
  };
}
