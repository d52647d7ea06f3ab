/** Reads the `data` of an `api_config` block into the fields of a step, reporting every problem. */
import type { HttpMethod, StepConfig, TriggerRule } from '../core/payload/schema.js';
import { describeValue, isRecord, type BlockRef, type IssueCollector } from './block-issues.js';

/** The step fields an `api_config` block defines; name, usid, dependencies and labels come later. */
export type ApiStepFields = Omit<
  StepConfig,
  'step_name' | 'usid' | 'dependencies' | 'labels' | 'outputs'
> & {
  /** Undefined when the block does not list its outputs: the default needs the step name. */
  outputs: string[] | undefined;
};

// Records keyed by the schema's unions, so the compiler flags a value added there but not here.
const METHODS: Record<HttpMethod, true> = {
  GET: true,
  POST: true,
  PUT: true,
  PATCH: true,
  DELETE: true,
};
const TRIGGER_RULES: Record<TriggerRule, true> = {
  all_success: true,
  none_failed_min_one_success: true,
  one_success: true,
  all_done: true,
};

const DATA = 'content.data';

/**
 * Validates `data` and returns the step fields it defines, or undefined when it has problems (they
 * are added to `issues`).
 */
export function readApiConfig(
  ref: BlockRef,
  data: unknown,
  issues: IssueCollector,
): ApiStepFields | undefined {
  if (!isRecord(data)) {
    issues.add(ref, DATA, `must be an object, got ${describeValue(data)}`);
    return undefined;
  }
  const before = issues.issues.length;
  const report = (field: string, problem: string): void =>
    issues.add(ref, `${DATA}.${field}`, problem);

  const serviceUrl = data.service_url;
  if (serviceUrl === undefined || serviceUrl === null || serviceUrl === '') {
    report('service_url', 'is required');
  } else if (typeof serviceUrl !== 'string') {
    report('service_url', `must be a string, got ${describeValue(serviceUrl)}`);
  } else if (!isHttpUrlOrTemplate(serviceUrl)) {
    report('service_url', `must be an http(s) URL, got ${describeValue(serviceUrl)}`);
  }

  let method: HttpMethod | undefined;
  if (data.method !== undefined && data.method !== null) {
    const upper = typeof data.method === 'string' ? data.method.toUpperCase() : undefined;
    if (upper !== undefined && Object.hasOwn(METHODS, upper)) method = upper as HttpMethod;
    else
      report(
        'method',
        `must be one of GET, POST, PUT, PATCH, DELETE, got ${describeValue(data.method)}`,
      );
  }

  const headers = readStringRecord(data.headers, 'headers', report);
  const outputMapping = readStringRecord(data.output_mapping, 'output_mapping', report);

  let outputs: string[] | undefined;
  if (data.outputs !== undefined && data.outputs !== null) {
    if (!Array.isArray(data.outputs) || data.outputs.length === 0) {
      report('outputs', `must be a non-empty array of names, got ${describeValue(data.outputs)}`);
    } else {
      outputs = [];
      for (const [position, name] of (data.outputs as unknown[]).entries()) {
        if (typeof name === 'string' && name !== '') outputs.push(name);
        else
          report(`outputs[${position}]`, `must be a non-empty string, got ${describeValue(name)}`);
      }
    }
  }

  let triggerRule: TriggerRule | undefined;
  if (data.trigger_rule !== undefined) {
    if (typeof data.trigger_rule === 'string' && Object.hasOwn(TRIGGER_RULES, data.trigger_rule)) {
      triggerRule = data.trigger_rule as TriggerRule;
    } else {
      report(
        'trigger_rule',
        `must be one of ${Object.keys(TRIGGER_RULES).join(', ')}, got ${describeValue(data.trigger_rule)}`,
      );
    }
  }

  const maxRetries = data.max_retries;
  if (maxRetries !== undefined && !(Number.isInteger(maxRetries) && (maxRetries as number) >= 0)) {
    report('max_retries', `must be an integer >= 0, got ${describeValue(maxRetries)}`);
  }
  const seconds = readSeconds(data, ['retry_delay', 'timeout', 'http_timeout'], report);
  if (data.description !== undefined && typeof data.description !== 'string') {
    report('description', `must be a string, got ${describeValue(data.description)}`);
  }

  if (issues.issues.length > before) return undefined;
  return {
    service_url: serviceUrl as string,
    ...(method === undefined ? {} : { method }),
    ...(headers === undefined ? {} : { headers }),
    input_prep_config:
      data.body_template === undefined
        ? { type: 'json' }
        : { type: 'json', mapping: data.body_template },
    outputs,
    ...(outputMapping === undefined ? {} : { output_mapping: outputMapping }),
    ...(triggerRule === undefined ? {} : { trigger_rule: triggerRule }),
    ...(maxRetries === undefined ? {} : { max_retries: maxRetries as number }),
    ...seconds,
    ...(data.description === undefined ? {} : { description: data.description }),
  };
}

/** A URL with `{{templates}}` is checked by the engine once rendered; others must parse now. */
function isHttpUrlOrTemplate(value: string): boolean {
  if (value.includes('{{')) return true;
  try {
    const { protocol } = new URL(value);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

function readStringRecord(
  value: unknown,
  field: string,
  report: (field: string, problem: string) => void,
): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value)) {
    report(field, `must be an object of strings, got ${describeValue(value)}`);
    return undefined;
  }
  for (const [key, entry] of Object.entries(value)) {
    if (typeof entry !== 'string') {
      report(`${field}.${key}`, `must be a string, got ${describeValue(entry)}`);
    }
  }
  return value as Record<string, string>;
}

function readSeconds(
  data: Record<string, unknown>,
  fields: readonly ('retry_delay' | 'timeout' | 'http_timeout')[],
  report: (field: string, problem: string) => void,
): Partial<Record<'retry_delay' | 'timeout' | 'http_timeout', number>> {
  const seconds: Partial<Record<'retry_delay' | 'timeout' | 'http_timeout', number>> = {};
  for (const field of fields) {
    const value = data[field];
    if (value === undefined) continue;
    if (typeof value === 'number' && Number.isFinite(value) && value >= 0) seconds[field] = value;
    else report(field, `must be a number of seconds >= 0, got ${describeValue(value)}`);
  }
  return seconds;
}
