/**
 * Workflow validation and planning: payload checks (structure, names, dependencies, cycles,
 * limits, templates), resolution into a runnable workflow, and graph renderings.
 */
export { resolveWorkflow, validatePayload } from './validate-payload.js';
export type { ValidationOutcome } from './validate-payload.js';
export { toDot, toMermaid } from './render-graph.js';
export { MAX_ISSUES } from './issues.js';
export { MAX_TEMPLATE_DEPTH } from './step-templates.js';
export { SELECTION_PREFIX } from './dependencies.js';
export type {
  ResolvedDependency,
  ResolvedNotifications,
  ResolvedRetryPolicy,
  ResolvedSettings,
  ResolvedStep,
  ResolvedWorkflow,
  StepTemplates,
} from './types.js';
