export { RunScheduler } from './run-scheduler.js';
export type {
  HaltCause,
  RunSchedulerOptions,
  SchedulerCommand,
  SelectionCheck,
} from './run-scheduler.js';
