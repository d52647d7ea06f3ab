/**
 * CPU placement of the bench's processes. On a small virtual machine a loopback round trip costs
 * about twice as much when the client and the service wake each other across two cores as when
 * they share one, and the scheduler picks one or the other per process: the chain floor moved
 * between about 150 and 400 ms from one bench process to the next. Pinning removes that.
 */
import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

/**
 * `same`: the main threads of the bench and of the target service on CPU 0, the load generator
 * on CPU 1; `none`: the scheduler decides.
 */
export type Pinning = 'same' | 'none';

/** CPU list of the measured processes (the bench and the target service). */
export const MEASURED_CPUS = '0';
/** CPU list of the load generator, when the machine has a second core. */
export const HELPER_CPUS = '1';

/** True when `pinning` can be applied here (Linux with taskset and at least two cores). */
export function canPin(): boolean {
  if (process.platform !== 'linux' || availableParallelism() < 2) return false;
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Restricts process `pid` to `cpus` (a taskset CPU list): only its main thread when
 * `mainThreadOnly` (V8's compiler and collector threads stay free to use the other core, as they
 * would in a service), else every thread. Processes it forks later start on the same CPUs.
 * @returns false when taskset failed.
 */
export function pinProcess(pid: number, cpus: string, mainThreadOnly = false): boolean {
  const scope = mainThreadOnly ? [] : ['-a'];
  try {
    execFileSync('taskset', [...scope, '-p', '-c', cpus, String(pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
