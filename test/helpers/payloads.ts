/** Builders of small payloads for tests. */

export interface StepOptions {
  method?: string;
  dependencies?: string[];
  outputs?: string[];
  mapping?: unknown;
  [key: string]: unknown;
}

/** A step calling `url` with output `<usid>_out` unless given. */
export function step(
  usid: string,
  url: string,
  options: StepOptions = {},
): Record<string, unknown> {
  const { mapping, ...rest } = options;
  return {
    step_name: usid,
    usid,
    service_url: url,
    outputs: [`${usid}_out`],
    ...(mapping === undefined ? {} : { input_prep_config: { type: 'json', mapping } }),
    ...rest,
  };
}

/** A payload with fast retries by default so that tests stay quick. */
export function payload(
  steps: Record<string, unknown>[],
  settings: Record<string, unknown> = {},
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    workflow_id: 'wf-test',
    namespace: 'tests',
    original_input: 'Input data',
    STEPS_CONFIG: steps,
    PIPELINE_SETTINGS: {
      error_handling: {
        max_retries: 0,
        retry_delay: 0.01,
        ...((settings.error_handling as object | undefined) ?? {}),
      },
      timeouts: {
        step_timeout: 10,
        http_timeout: 5,
        total_pipeline_timeout: 30,
        ...((settings.timeouts as object | undefined) ?? {}),
      },
      ...Object.fromEntries(
        Object.entries(settings).filter(([key]) => key !== 'error_handling' && key !== 'timeouts'),
      ),
    },
    ...extra,
  };
}
