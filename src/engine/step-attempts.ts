/**
 * Runs one step to its end: attempts, retries with backoff, the step's own time limit, output
 * extraction (SPEC 3.4, 3.5). The scheduler decides whether the step runs; this decides how.
 */
import type { ResolvedStep } from '../core/dag/types.js';
import { StepExecutionError, isWorkflowEngineError } from '../core/errors.js';
import type { OnMissingMode } from '../core/payload/schema.js';
import type { Redactor } from '../core/redact/index.js';
import {
  classifyHttpStatus,
  computeRetryDelayMs,
  responseRetryAfterMs,
} from '../core/retry/index.js';
import {
  describeHttpFailure,
  describeTimeout,
  extractOutputs,
  parseResponseBody,
  prepareRequest,
} from '../core/step/index.js';
import type { TemplateScope } from '../core/template/types.js';
import type { Clock } from '../ports/clock.js';
import type { HttpResponse, StepExecutor } from '../ports/step-executor.js';

/** How a step ended. Texts are already redacted. */
export type StepOutcome =
  | {
      status: 'completed';
      outputs: Record<string, unknown>;
      attempts: number;
      httpStatus: number | null;
    }
  | { status: 'failed'; error: string; attempts: number; httpStatus: number | null }
  /** The run stopped the step (cancelled, timed out, failed elsewhere). */
  | { status: 'stopped'; attempts: number; httpStatus: number | null };

/** What the attempt loop needs from its run. */
export interface StepContext {
  runId: string;
  executor: StepExecutor;
  clock: Clock;
  random: () => number;
  redactor: Redactor;
  onMissing: OnMissingMode;
  maxResponseBytes: number;
  /** Aborted when the run stops this step. */
  signal: AbortSignal;
  /** The template scope of attempt `attempt` (`run.attempt` differs per attempt). */
  scopeFor(attempt: number): TemplateScope;
  /** Called as each attempt starts. */
  onAttempt(attempt: number): void;
  /** Called when an attempt failed and another will follow after `delayMs`. */
  onRetry(failure: {
    attempt: number;
    delayMs: number;
    error: string;
    httpStatus: number | null;
  }): void;
}

interface FailedAttempt {
  message: string;
  retryable: boolean;
  retryAfterMs: number | undefined;
}

/** Runs `step` until it completes, fails for good, or the run stops it. */
export async function runStepAttempts(
  step: ResolvedStep,
  context: StepContext,
): Promise<StepOutcome> {
  const { clock, redactor } = context;
  const deadline = clock.now() + step.stepTimeoutMs;
  let httpStatus: number | null = null;
  for (let attempt = 1; ; attempt += 1) {
    context.onAttempt(attempt);
    const remainingMs = deadline - clock.now();
    let failure: FailedAttempt;
    try {
      const prepared = prepareRequest(
        step,
        context.scopeFor(attempt),
        context.onMissing,
        context.runId,
      );
      for (const value of prepared.sensitiveValues) redactor.add(value);
      if (remainingMs <= 0)
        return failed(describeTimeout(step.stepTimeoutMs), attempt, httpStatus, redactor);
      const stepLimited = remainingMs < step.httpTimeoutMs;
      const response = await sendAttempt(
        context,
        prepared.request,
        Math.min(step.httpTimeoutMs, remainingMs),
      );
      if (context.signal.aborted) return { status: 'stopped', attempts: attempt, httpStatus };
      if ('error' in response) {
        if (response.error.kind === 'aborted')
          return { status: 'stopped', attempts: attempt, httpStatus };
        if (response.error.kind === 'timeout' && stepLimited) {
          return failed(describeTimeout(step.stepTimeoutMs), attempt, httpStatus, redactor);
        }
        failure = {
          message: response.error.message,
          retryable: response.error.retryable,
          retryAfterMs: undefined,
        };
      } else {
        httpStatus = response.status;
        const verdict = classifyHttpStatus(response.status);
        if (verdict === 'ok') {
          const outputs = redactor.redact(extractOutputs(step, parseResponseBody(response)));
          return { status: 'completed', outputs, attempts: attempt, httpStatus };
        }
        failure = {
          message: describeHttpFailure(
            response.status,
            hostOf(prepared.request.url),
            attempt,
            response.body,
          ),
          retryable: verdict === 'retryable',
          retryAfterMs: responseRetryAfterMs(response.status, response.headers, clock.now()),
        };
      }
    } catch (error) {
      // Template, URL and extraction errors: retrying the same step would fail the same way.
      if (!isWorkflowEngineError(error)) throw error;
      return failed(error.message, attempt, httpStatus, redactor);
    }

    if (!failure.retryable || attempt > step.retry.maxRetries) {
      return failed(withAttempts(failure.message, attempt), attempt, httpStatus, redactor);
    }
    const delayMs = computeRetryDelayMs(step.retry, attempt, context.random, failure.retryAfterMs);
    if (clock.now() + delayMs >= deadline) {
      const message = `${withAttempts(failure.message, attempt)}; the step timeout of ${describeTimeout(step.stepTimeoutMs).replace('timed out after ', '')} leaves no time for another attempt`;
      return failed(message, attempt, httpStatus, redactor);
    }
    context.onRetry({ attempt, delayMs, error: redactor.redactText(failure.message), httpStatus });
    try {
      await clock.sleep(delayMs, context.signal);
    } catch {
      return { status: 'stopped', attempts: attempt, httpStatus };
    }
  }
}

type AttemptResult = HttpResponse | { error: StepExecutionError };

async function sendAttempt(
  context: StepContext,
  request: Parameters<StepExecutor['execute']>[0],
  timeoutMs: number,
): Promise<AttemptResult> {
  try {
    return await context.executor.execute(request, {
      signal: context.signal,
      timeoutMs,
      maxResponseBytes: context.maxResponseBytes,
    });
  } catch (error) {
    if (error instanceof StepExecutionError) return { error };
    throw error;
  }
}

/** HTTP failure texts count attempts themselves; the others say how many were made, if several. */
function withAttempts(message: string, attempts: number): string {
  if (message.startsWith('HTTP ') || attempts === 1) return message;
  return `${message}; gave up after ${attempts} attempts`;
}

function failed(
  message: string,
  attempts: number,
  httpStatus: number | null,
  redactor: Redactor,
): StepOutcome {
  return { status: 'failed', error: redactor.redactText(message), attempts, httpStatus };
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
