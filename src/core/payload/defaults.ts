/** Defaults of the payload's settings (the original system's values where it had them). */

export const DEFAULT_WORKFLOW_ID = 'unknown';
export const DEFAULT_NAMESPACE = 'default';
export const DEFAULT_MAX_RETRIES = 2;
export const DEFAULT_RETRY_DELAY_MS = 3_000;
export const DEFAULT_MAX_RETRY_DELAY_MS = 30_000;
export const DEFAULT_STEP_TIMEOUT_MS = 45_000;
export const DEFAULT_HTTP_TIMEOUT_MS = 45_000;
export const DEFAULT_TOTAL_PIPELINE_TIMEOUT_MS = 300_000;
export const DEFAULT_MAX_PARALLEL_STEPS = 16;

/** Bounds that keep one payload from exhausting the engine; each is configurable. */
export interface ValidationLimits {
  /** Most steps in one payload. @defaultValue 10000 */
  maxSteps: number;
  /** Most dependencies of one step. @defaultValue 1000 */
  maxDependenciesPerStep: number;
  /** Longest string that may hold templates, in characters. @defaultValue 100000 */
  maxTemplateLength: number;
  /** Most retries of one step. @defaultValue 20 */
  maxRetries: number;
  /** Longest time setting (any timeout or delay), in seconds. @defaultValue 86400 */
  maxDurationSeconds: number;
  /** Highest max_parallel_steps. @defaultValue 1000 */
  maxParallelSteps: number;
}

export const DEFAULT_VALIDATION_LIMITS: Readonly<ValidationLimits> = Object.freeze({
  maxSteps: 10_000,
  maxDependenciesPerStep: 1_000,
  maxTemplateLength: 100_000,
  maxRetries: 20,
  maxDurationSeconds: 86_400,
  maxParallelSteps: 1_000,
});
