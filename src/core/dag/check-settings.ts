/**
 * Checks of PIPELINE_SETTINGS beyond structure: limits, times, the webhook URL and event names,
 * and that final_output names something the run will have.
 */
import type { ValidationLimits } from '../payload/defaults.js';
import { EVENT_NAMES } from '../payload/schema.js';
import { checkAtMost, checkDuration } from './bounds.js';
import type { NameIndex } from './dependencies.js';
import { quote, type IssueList } from './issues.js';
import { recordAt, stringAt } from './payload-view.js';
import type { UrlChecker } from './url-check.js';

const SETTINGS = '/PIPELINE_SETTINGS';
/** `*` in `events` selects every event. */
export const ALL_EVENTS = '*';
const KNOWN_EVENTS: ReadonlySet<string> = new Set<string>([...EVENT_NAMES, ALL_EVENTS]);

/** Everything the settings checks read besides the settings themselves. */
export interface SettingsContext {
  limits: ValidationLimits;
  names: NameIndex;
  inputData: Readonly<Record<string, unknown>>;
  urls: UrlChecker;
}

/** Reports every problem in PIPELINE_SETTINGS (of a payload given as `root`). */
export function checkSettings(
  root: Readonly<Record<string, unknown>>,
  context: SettingsContext,
  issues: IssueList,
): void {
  const { limits } = context;
  const settings = recordAt(root, 'PIPELINE_SETTINGS');

  const errorHandling = recordAt(settings, 'error_handling');
  const handlingPointer = `${SETTINGS}/error_handling`;
  checkAtMost(
    errorHandling,
    'max_retries',
    handlingPointer,
    limits.maxRetries,
    'too_many_retries',
    issues,
  );
  checkDuration(errorHandling, 'retry_delay', handlingPointer, 'delay', limits, issues);
  checkDuration(errorHandling, 'max_retry_delay', handlingPointer, 'delay', limits, issues);

  const timeouts = recordAt(settings, 'timeouts');
  for (const key of ['step_timeout', 'http_timeout', 'total_pipeline_timeout']) {
    checkDuration(timeouts, key, `${SETTINGS}/timeouts`, 'timeout', limits, issues);
  }

  checkAtMost(
    recordAt(settings, 'concurrency'),
    'max_parallel_steps',
    `${SETTINGS}/concurrency`,
    limits.maxParallelSteps,
    'too_many_parallel_steps',
    issues,
  );

  checkNotifications(recordAt(settings, 'notifications'), context.urls, issues);
  checkFinalOutput(stringAt(settings, 'final_output'), context, issues);
}

function checkNotifications(
  notifications: Readonly<Record<string, unknown>>,
  urls: UrlChecker,
  issues: IssueList,
): void {
  const pointer = `${SETTINGS}/notifications`;
  const webhookUrl = stringAt(notifications, 'webhook_url');
  // An empty URL means no notifications, as the original read it.
  if (webhookUrl !== undefined && webhookUrl !== '') {
    const problem = urls.problem(webhookUrl);
    if (problem !== null) issues.add(`${pointer}/webhook_url`, 'invalid_url', problem);
  }
  const events = notifications.events;
  if (!Array.isArray(events)) return;
  (events as unknown[]).forEach((event, position) => {
    if (typeof event !== 'string' || KNOWN_EVENTS.has(event)) return;
    issues.add(
      `${pointer}/events/${position}`,
      'unknown_event',
      `must be "*" or one of ${EVENT_NAMES.join(', ')}, got ${quote(event)}`,
    );
  });
}

function checkFinalOutput(
  finalOutput: string | undefined,
  context: SettingsContext,
  issues: IssueList,
): void {
  if (finalOutput === undefined || finalOutput === '') return;
  if (context.names.isOutput(finalOutput)) return;
  // all_outputs holds original_input and the input_data keys too, so they can be chosen.
  if (finalOutput === 'original_input' || Object.hasOwn(context.inputData, finalOutput)) return;
  issues.add(
    `${SETTINGS}/final_output`,
    'unknown_final_output',
    `must name an output of a step or an input_data key, got ${quote(finalOutput)}`,
  );
}
