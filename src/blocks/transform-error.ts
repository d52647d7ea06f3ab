/**
 * The error of the block transformation. It extends the engine's error base (a module without
 * imports or I/O, so the blocks entry point stays free of Node built-ins).
 */
import { WorkflowEngineError } from '../core/errors.js';

/** One problem found in the blocks: which block, which field, and a sentence. */
export interface BlockTransformIssue {
  /** The block's id; undefined when the block has none (or the problem concerns no block). */
  blockId: string | undefined;
  /** The block's title, when it has one. */
  title: string | undefined;
  /** Position of the block in the array given; undefined when the problem concerns no block. */
  index: number | undefined;
  /** Path of the offending field inside the block, e.g. `content.data.service_url`. */
  field: string;
  /** The whole sentence, block included: `block "b-7" (Summarize): content.data.service_url is required`. */
  message: string;
}

/** Most issues quoted in the message; all of them stay in `issues`. */
const MAX_ISSUES_IN_MESSAGE = 5;

/**
 * The blocks cannot become a payload. `issues` lists every problem found, not just the first;
 * `message` quotes them. Its `code` is `INVALID_PAYLOAD`, as the blocks are the payload's source.
 */
export class BlockTransformError extends WorkflowEngineError {
  readonly issues: BlockTransformIssue[];

  constructor(issues: BlockTransformIssue[]) {
    const shown = issues.slice(0, MAX_ISSUES_IN_MESSAGE).map((issue) => issue.message);
    const rest = issues.length - shown.length;
    super(
      'INVALID_PAYLOAD',
      rest > 0 ? `${shown.join('; ')}; and ${rest} more` : shown.join('; '),
      {
        details: { issues },
      },
    );
    this.name = 'BlockTransformError';
    this.issues = issues;
  }
}
