/**
 * The validation entry points: structure, names, dependencies, cycles, limits and templates are
 * all checked in one pass, every problem reported, and a valid payload resolved into a
 * {@link ResolvedWorkflow}.
 */
import { ValidationError, type ValidationIssue } from '../errors.js';
import { DEFAULT_VALIDATION_LIMITS, type ValidationLimits } from '../payload/defaults.js';
import type { WorkflowPayload } from '../payload/schema.js';
import { buildWorkflow } from './build-workflow.js';
import { checkSettings } from './check-settings.js';
import { checkStepBounds, checkUniqueNames } from './check-steps.js';
import { reportCycles } from './cycle-issues.js';
import { NameIndex, resolveDependencies } from './dependencies.js';
import { buildGraph, planSteps } from './graph-order.js';
import { IssueList } from './issues.js';
import { isRecord, readSteps, recordAt, stringAt, type StepView } from './payload-view.js';
import { completeTemplates, StepTemplateCompiler } from './step-templates.js';
import { checkStructure } from './structure.js';
import type { ResolvedWorkflow, StepTemplates } from './types.js';
import { UrlChecker } from './url-check.js';

/** The answer of {@link validatePayload}. */
export type ValidationOutcome =
  { valid: true; workflow: ResolvedWorkflow } | { valid: false; issues: ValidationIssue[] };

/**
 * Checks a workflow payload (SPEC 1.2) and, when it is valid, resolves it: defaults applied
 * (times in ms), dependencies resolved (SPEC 3.1, 3.2), templates compiled once, plan levels and
 * topological order computed. Every problem is reported, each with a JSON pointer; unknown
 * fields are kept and ignored. Costs O(steps + dependencies + template text).
 *
 * @param payload Anything: parsed JSON, or a value built in code.
 * @param limits Overrides of {@link DEFAULT_VALIDATION_LIMITS}.
 * @returns `{ valid: true, workflow }` or `{ valid: false, issues }`; never throws for bad input.
 * @example
 * const outcome = validatePayload(JSON.parse(body));
 * if (!outcome.valid) return badRequest(outcome.issues);
 * run(outcome.workflow);
 */
export function validatePayload(
  payload: unknown,
  limits: Partial<ValidationLimits> = {},
): ValidationOutcome {
  const resolvedLimits = withDefaults(limits);
  const issues = new IssueList();
  const checked = withinStepLimit(payload, resolvedLimits.maxSteps, issues);
  checkStructure(checked, issues);

  const root = isRecord(checked) ? checked : {};
  const inputData = recordAt(root, 'input_data');
  const views = readSteps(root.STEPS_CONFIG);
  const names = new NameIndex(views);
  const urls = new UrlChecker();
  checkUniqueNames(views, names, issues);
  checkStepBounds(views, resolvedLimits, issues);
  checkSettings(root, { limits: resolvedLimits, names, inputData, urls }, issues);

  const dependencies = resolveDependencies(views, names, inputData, issues);
  const graph = buildGraph(dependencies.lists);
  const plan = planSteps(graph);
  if (plan === null) reportCycles(graph, views, dependencies, issues);

  const templates = compileAllTemplates(views, resolvedLimits, urls, issues);
  if (!issues.isEmpty || plan === null || templates === null) {
    return { valid: false, issues: issues.finish() };
  }
  const workflow = buildWorkflow({
    // Every structural and semantic check passed, so the payload has the schema's shape.
    payload: checked as WorkflowPayload,
    dependencies: dependencies.lists,
    graph,
    plan,
    templates,
  });
  return { valid: true, workflow };
}

/**
 * Like {@link validatePayload}, for callers that prefer an exception.
 * @throws ValidationError listing every issue when the payload is not runnable.
 */
export function resolveWorkflow(
  payload: unknown,
  limits: Partial<ValidationLimits> = {},
): ResolvedWorkflow {
  const outcome = validatePayload(payload, limits);
  if (!outcome.valid) throw new ValidationError(outcome.issues);
  return outcome.workflow;
}

/** The limits given, each absent or undefined one replaced by its default. */
function withDefaults(limits: Partial<ValidationLimits>): ValidationLimits {
  const resolved: ValidationLimits = { ...DEFAULT_VALIDATION_LIMITS };
  for (const key of Object.keys(resolved) as Array<keyof ValidationLimits>) {
    const value = limits[key];
    if (value !== undefined) resolved[key] = value;
  }
  return resolved;
}

/**
 * Reports too many steps, then checks only the first `maxSteps` so the work (and the list of
 * issues) stays bounded for a huge payload.
 */
function withinStepLimit(payload: unknown, maxSteps: number, issues: IssueList): unknown {
  if (!isRecord(payload)) return payload;
  const steps = payload.STEPS_CONFIG;
  if (!Array.isArray(steps) || steps.length <= maxSteps) return payload;
  issues.add(
    '/STEPS_CONFIG',
    'too_many_steps',
    `must have at most ${maxSteps} steps, got ${steps.length}`,
  );
  return { ...payload, STEPS_CONFIG: steps.slice(0, maxSteps) };
}

/** Compiles every step's templates and checks its service_url; null when any part failed. */
function compileAllTemplates(
  views: readonly StepView[],
  limits: ValidationLimits,
  urls: UrlChecker,
  issues: IssueList,
): StepTemplates[] | null {
  const compiler = new StepTemplateCompiler(limits.maxTemplateLength, issues);
  const all: StepTemplates[] = [];
  let complete = true;
  for (const view of views) {
    const partial = compiler.compile(view);
    const serviceUrl = stringAt(view.raw, 'service_url');
    if (serviceUrl !== undefined && serviceUrl !== '') {
      const problem = urls.serviceUrlProblem(serviceUrl, partial.serviceUrl);
      if (problem !== null) issues.add(`${view.pointer}/service_url`, 'invalid_url', problem);
    }
    const templates = completeTemplates(partial);
    if (templates === undefined) complete = false;
    else all.push(templates);
  }
  return complete ? all : null;
}
