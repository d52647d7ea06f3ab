export { runWorkflow } from './workflow-run.js';
export type { EngineDependencies, ResumeState, RunOptions } from './types.js';
