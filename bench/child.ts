/**
 * Helper processes: the bench forks its own entry file with `--role=<name>` and a JSON input,
 * and the child answers with one IPC message. The target service, the load generator and the
 * memory probe run apart from the measured process so they neither share its event loop nor
 * its heap.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { pinProcess } from './cpu-pinning.js';

/** The roles a child process can take. */
export type Role = 'target' | 'load' | 'rss';

/** The command-line flag that selects a role. */
export const ROLE_FLAG = '--role=';
/** The command-line flag that carries the role's input, as JSON. */
export const INPUT_FLAG = '--input=';

/** A child that answered; `stop()` ends a long-lived one (the target service). */
export interface RunningChild<T> {
  readonly answer: T;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Forks the bench entry file in `role` and resolves with the child's first message; rejects if
 * the child exits first or sends `{ error }`. `cpus` (a taskset list) moves the child to other
 * CPUs than the parent's.
 */
export function startChild<T>(
  role: Role,
  input: unknown = null,
  cpus: string | null = null,
): Promise<RunningChild<T>> {
  const entry = process.argv[1];
  if (entry === undefined)
    return Promise.reject(new Error('bench: cannot tell which file to fork'));
  // No inherited flags: --cpu-prof or --expose-gc of the measured process must not apply here.
  const child = fork(entry, [`${ROLE_FLAG}${role}`, `${INPUT_FLAG}${JSON.stringify(input)}`], {
    execArgv: [],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  // The child inherits the parent's CPUs; a helper is moved off them before it does anything.
  if (cpus !== null && child.pid !== undefined) pinProcess(child.pid, cpus);
  return new Promise<RunningChild<T>>((resolve, reject) => {
    const onExit = (code: number | null): void =>
      reject(new Error(`bench: the ${role} process exited (${String(code)}) without answering`));
    child.once('exit', onExit);
    child.once('error', reject);
    child.once('message', (message: unknown) => {
      child.off('exit', onExit);
      if (message !== null && typeof message === 'object' && 'error' in message) {
        reject(new Error(`bench: the ${role} process failed: ${String(message.error)}`));
        return;
      }
      resolve({ answer: message as T, process: child, stop: () => stopChild(child) });
    });
  });
}

/** Disconnects (the child's cue to close and exit) and waits for the exit. */
function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    if (child.connected) child.disconnect();
    else child.kill('SIGTERM');
  });
}

/** In a child: sends the answer (or the error) to the parent. */
export function answerParent(message: unknown): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (process.send === undefined) {
      reject(new Error('bench: a role runs only as a child of the bench'));
      return;
    }
    process.send(message, (error: Error | null) => (error === null ? resolve() : reject(error)));
  });
}

/** The role and input of this process, or null when it is the bench itself. */
export function roleOf(argv: readonly string[]): { role: Role; input: unknown } | null {
  const roleArg = argv.find((arg) => arg.startsWith(ROLE_FLAG));
  if (roleArg === undefined) return null;
  const role = roleArg.slice(ROLE_FLAG.length);
  if (role !== 'target' && role !== 'load' && role !== 'rss')
    throw new Error(`bench: unknown role ${role}`);
  const inputArg = argv.find((arg) => arg.startsWith(INPUT_FLAG));
  return {
    role,
    input:
      inputArg === undefined ? null : (JSON.parse(inputArg.slice(INPUT_FLAG.length)) as unknown),
  };
}
