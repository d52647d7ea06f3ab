/**
 * Shows a run's progress on stderr: a live table of steps on a terminal, one plain line per event
 * otherwise (logs, CI). stdout stays free for the result JSON.
 */
import type { WorkflowEvent } from '../core/run/index.js';

/** Receives every event of a run; `close` prints what is left. */
export interface ProgressReporter {
  onEvent(event: WorkflowEvent): void;
  close(): void;
}

const SYMBOLS: Record<string, string> = {
  pending: '·',
  running: '▶',
  retrying: '↻',
  completed: '✓',
  failed: '✗',
  aborted: '⊘',
  cancelled: '⊘',
};

/** A reporter suited to `stream`: live when it is a terminal, plain lines otherwise. */
export function createProgressReporter(
  stream: NodeJS.WriteStream = process.stderr,
): ProgressReporter {
  return stream.isTTY ? new LiveProgress(stream) : new PlainProgress(stream);
}

function describeEvent(event: WorkflowEvent): string | null {
  switch (event.event) {
    case 'workflow_started':
      return `workflow ${event.workflow_id} started (${event.data.total_steps} steps, run ${event.run_id})`;
    case 'step_started':
      return `${SYMBOLS.running} ${event.data.step_name} started`;
    case 'step_retrying':
      return `${SYMBOLS.retrying} ${event.data.step_name} attempt ${event.data.attempt} failed (${event.data.error}); retrying in ${event.data.delay_seconds.toFixed(2)} s`;
    case 'step_completed':
      return `${SYMBOLS.completed} ${event.data.step_name} completed in ${ms(event.data.execution_time_seconds)} (${attempts(event.data.attempts)})`;
    case 'step_failed':
      return `${SYMBOLS.failed} ${event.data.step_name} failed after ${ms(event.data.execution_time_seconds)}: ${event.data.error}`;
    case 'step_aborted':
      return `${SYMBOLS.aborted} ${event.data.step_name} ${event.data.status}: ${event.data.reason}`;
    case 'workflow_completed':
      return `workflow completed in ${ms(event.data.execution_time_seconds)}: ${event.data.steps_completed} completed, ${event.data.steps_aborted} aborted`;
    case 'workflow_failed':
      return `workflow ${event.data.status} after ${ms(event.data.execution_time_seconds)}: ${event.data.error}`;
  }
}

function ms(seconds: number): string {
  return seconds < 1 ? `${Math.round(seconds * 1000)} ms` : `${seconds.toFixed(2)} s`;
}

function attempts(count: number): string {
  return count === 1 ? '1 attempt' : `${count} attempts`;
}

class PlainProgress implements ProgressReporter {
  constructor(private readonly stream: NodeJS.WriteStream) {}

  onEvent(event: WorkflowEvent): void {
    const line = describeEvent(event);
    if (line !== null) this.stream.write(`${event.timestamp.slice(11, 23)} ${line}\n`);
  }

  close(): void {}
}

interface StepLine {
  name: string;
  status: string;
  attempts: number;
  detail: string;
  startedAt: number;
  durationMs: number | null;
}

/** Redraws the step table in place, at most every 50 ms, showing what fits the screen. */
class LiveProgress implements ProgressReporter {
  private readonly steps = new Map<string, StepLine>();
  private header = '';
  private footer = '';
  private drawnLines = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly stream: NodeJS.WriteStream) {}

  onEvent(event: WorkflowEvent): void {
    const now = Date.parse(event.timestamp);
    if (event.event === 'workflow_started') {
      this.header = `workflow ${event.workflow_id} · run ${event.run_id} · ${event.data.total_steps} steps`;
    } else if (event.event === 'workflow_completed' || event.event === 'workflow_failed') {
      this.footer = describeEvent(event) ?? '';
    } else {
      const line = this.steps.get(event.data.usid) ?? {
        name: event.data.step_name,
        status: 'pending',
        attempts: 0,
        detail: '',
        startedAt: now,
        durationMs: null,
      };
      line.status = event.data.status;
      if (event.event === 'step_started') {
        line.startedAt = now;
        line.attempts = 1;
      } else if (event.event === 'step_retrying') {
        line.attempts = event.data.next_attempt;
        line.detail = event.data.error;
      } else if (event.event === 'step_completed') {
        line.durationMs = event.data.execution_time_seconds * 1000;
        line.detail = '';
      } else if (event.event === 'step_failed') {
        line.durationMs = event.data.execution_time_seconds * 1000;
        line.detail = event.data.error;
      } else {
        line.detail = event.data.reason;
        if (line.attempts > 0) line.durationMs = now - line.startedAt;
      }
      this.steps.set(event.data.usid, line);
    }
    this.schedule();
  }

  close(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.draw();
  }

  private schedule(): void {
    if (this.timer !== null) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.draw();
    }, 50);
  }

  private draw(): void {
    const width = Math.max(40, this.stream.columns || 100);
    const room = Math.max(5, (this.stream.rows || 30) - 4);
    const all = [...this.steps.values()];
    // Running steps first so that a large workflow still shows what is happening now.
    const shown =
      all.length <= room
        ? all
        : [
            ...all.filter((l) => l.status === 'running' || l.status === 'retrying'),
            ...all.filter((l) => l.status !== 'running' && l.status !== 'retrying').slice(-room),
          ].slice(0, room);
    const lines = [this.header, ...shown.map((line) => this.format(line, width))];
    if (all.length > shown.length) lines.push(`… ${all.length - shown.length} more steps`);
    if (this.footer !== '') lines.push(this.footer);
    const clear = this.drawnLines > 0 ? `\u001b[${this.drawnLines}A\u001b[0J` : '';
    this.stream.write(clear + lines.map((line) => line.slice(0, width - 1)).join('\n') + '\n');
    this.drawnLines = lines.length;
  }

  private format(line: StepLine, width: number): string {
    const neverStarted = line.attempts === 0;
    const duration = neverStarted
      ? '—'
      : line.durationMs === null
        ? `${Math.round(Date.now() - line.startedAt)} ms…`
        : `${Math.round(line.durationMs)} ms`;
    const text = `${SYMBOLS[line.status] ?? '?'} ${line.name.padEnd(28)} ${line.status.padEnd(10)} ${(neverStarted ? '' : `try ${line.attempts}`).padEnd(6)} ${duration.padStart(10)}  ${line.detail}`;
    return text.slice(0, width - 1);
  }
}
