/** Workflow labels: a label key `workflow:<name>:<index>` places a block in a workflow. */

/** A parsed `workflow:<name>:<index>` label. */
export interface WorkflowLabel {
  /** The label key exactly as written; it becomes the step's label. */
  label: string;
  /** The workflow's name; may itself contain colons. */
  name: string;
  /** Position of the block in the workflow (0 or more). */
  index: number;
}

const PREFIX = 'workflow:';
const DIGITS = /^\d{1,15}$/;

/**
 * Parses a position label; anything else (`depends_on`, `workflow:<name>:result`, free labels)
 * gives undefined.
 */
export function parseWorkflowLabel(label: string): WorkflowLabel | undefined {
  if (!label.startsWith(PREFIX)) return undefined;
  const lastColon = label.lastIndexOf(':');
  if (lastColon <= PREFIX.length) return undefined;
  const indexText = label.slice(lastColon + 1);
  if (!DIGITS.test(indexText)) return undefined;
  return { label, name: label.slice(PREFIX.length, lastColon), index: Number(indexText) };
}
