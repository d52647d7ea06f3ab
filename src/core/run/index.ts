export {
  buildResult,
  collectOutputs,
  countSteps,
  finishedRecord,
  initialHistory,
  pickFinalResult,
  runningRecord,
} from './build-result.js';
export type { ResultParts } from './build-result.js';
export {
  FINAL_RESULT_PREVIEW_CHARS,
  OUTPUT_PREVIEW_CHARS,
  previewOutputs,
  previewValue,
} from './event-preview.js';
export type {
  RunCounts,
  RunRecord,
  RunStatus,
  StepAbortedEvent,
  StepCompletedEvent,
  StepEventData,
  StepFailedEvent,
  StepHistoryEntry,
  StepRetryingEvent,
  StepStartedEvent,
  StepStatus,
  TerminalStepStatus,
  WorkflowCompletedEvent,
  WorkflowEvent,
  WorkflowEventEnvelope,
  WorkflowFailedEvent,
  WorkflowResult,
  WorkflowStartedEvent,
} from './types.js';
