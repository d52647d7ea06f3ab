import type { RunStatus } from '../../../core/run/types.js';

/** Every run status, for index maintenance. */
export const RUN_STATUSES: readonly RunStatus[] = [
  'running',
  'succeeded',
  'failed',
  'cancelled',
  'timed_out',
];

/** The keys of one run, computed once per run (see docs/storage.md). */
export interface RunKeys {
  runId: string;
  namespace: string;
  workflowId: string;
  /** `{prefix}:{namespace}:{workflow_id}:{run_id}`. */
  base: string;
  record: string;
  steps: string;
  outputs: string;
  events: string;
  payload: string;
  /** `{prefix}:run:{run_id}` → which namespace and workflow the run belongs to. */
  lookup: string;
  namespaceIndex: string;
  workflowIndex: string;
  /** The run's member in the expiry index: `[run_id, namespace, workflow_id]` as JSON. */
  expiryMember: string;
}

/** What the lookup key holds. */
export interface RunLocation {
  namespace: string;
  workflow_id: string;
}

/**
 * Names every key under one prefix. Namespace, workflow id and run id are percent-encoded
 * (`encodeURIComponent`), so a `:` inside them cannot make two keys collide; ordinary ids
 * (letters, digits, `-`, `_`, `.`) appear unchanged.
 */
export class KeyLayout {
  /** Sorted set of every run id (all scores 0, so members sort by id: ULIDs by creation). */
  readonly allRuns: string;
  /** Sorted set of `[run_id, namespace, workflow_id]` scored by the run's expiry, epoch ms. */
  readonly expiry: string;

  constructor(private readonly prefix: string) {
    this.allRuns = `${prefix}:runs`;
    this.expiry = `${prefix}:runs:expiry`;
  }

  /** The keys of one run. */
  run(runId: string, namespace: string, workflowId: string): RunKeys {
    const base = `${this.prefix}:${encode(namespace)}:${encode(workflowId)}:${encode(runId)}`;
    return {
      runId,
      namespace,
      workflowId,
      base,
      record: `${base}:record`,
      steps: `${base}:steps`,
      outputs: `${base}:outputs`,
      events: `${base}:events`,
      payload: `${base}:payload`,
      lookup: this.lookup(runId),
      namespaceIndex: this.namespaceIndex(namespace),
      workflowIndex: this.workflowIndex(workflowId),
      expiryMember: JSON.stringify([runId, namespace, workflowId]),
    };
  }

  lookup(runId: string): string {
    return `${this.prefix}:run:${encode(runId)}`;
  }

  namespaceIndex(namespace: string): string {
    return `${this.prefix}:runs:ns:${encode(namespace)}`;
  }

  workflowIndex(workflowId: string): string {
    return `${this.prefix}:runs:wf:${encode(workflowId)}`;
  }

  statusIndex(status: RunStatus): string {
    return `${this.prefix}:runs:status:${status}`;
  }
}

function encode(segment: string): string {
  return encodeURIComponent(segment);
}
