export { RunScheduler } from './run-scheduler.js';
export type {
  HaltCause,
  RestoredStatus,
  RunSchedulerOptions,
  SchedulerCommand,
  SelectionCheck,
} from './run-scheduler.js';
