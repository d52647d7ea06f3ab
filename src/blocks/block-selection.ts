/**
 * Which blocks belong to the workflow being transformed: the workflow's name, its members (with
 * their position label) and the blocks left out, with the reason each was.
 */
import {
  describeBlock,
  describeValue,
  isRecord,
  type BlockRef,
  type IssueCollector,
} from './block-issues.js';
import { parseWorkflowLabel, type WorkflowLabel } from './workflow-label.js';

/** A block seen as a plain object, with the workflow positions its labels give. */
interface ScannedBlock {
  ref: BlockRef;
  block: Record<string, unknown>;
  labels: Record<string, unknown>;
  positions: WorkflowLabel[];
}

/** A block of the chosen workflow, whose content is an object with a string `type`. */
export interface Member extends ScannedBlock {
  /** Its one label in the chosen workflow. */
  position: WorkflowLabel;
}

/** A block left out of the payload, and why (`belongs to workflow "other"`). */
export interface LeftOut {
  ref: BlockRef;
  reason: string;
}

/** The outcome of {@link selectWorkflowBlocks}. */
export interface WorkflowSelection {
  workflowName: string;
  /** Every block of the workflow, `api_config` or not, in the order given. */
  members: Member[];
  leftOut: LeftOut[];
}

/**
 * Picks the workflow (`requested`, else the one name the labels share) and sorts the blocks into
 * members and left-out ones. Problems go to `issues`; undefined when no workflow can be chosen.
 */
export function selectWorkflowBlocks(
  blocks: readonly unknown[],
  requested: string | undefined,
  issues: IssueCollector,
): WorkflowSelection | undefined {
  const scanned = scanBlocks(blocks, issues);
  const workflowName = chooseWorkflow(scanned, requested, issues);
  if (workflowName === undefined) return undefined;
  const leftOut: LeftOut[] = [];
  const members = selectMembers(scanned, workflowName, leftOut, issues);
  return { workflowName, members, leftOut };
}

/** True when the member's content is `api_config`, i.e. it becomes a step. */
export function isApiConfig(member: Member): boolean {
  return isRecord(member.block.content) && member.block.content.type === 'api_config';
}

/** The one warning listing the blocks left out. */
export function describeLeftOut(
  leftOut: readonly LeftOut[],
  total: number,
  workflowName: string,
): string {
  const listed = leftOut.map((entry) => `${describeBlock(entry.ref)} ${entry.reason}`).join('; ');
  return `${leftOut.length} of ${total} blocks left out of workflow ${JSON.stringify(workflowName)}: ${listed}`;
}

function scanBlocks(blocks: readonly unknown[], issues: IssueCollector): ScannedBlock[] {
  const scanned: ScannedBlock[] = [];
  for (const [index, block] of blocks.entries()) {
    if (!isRecord(block)) {
      issues.add(
        undefined,
        `blocks[${index}]`,
        `must be a block object, got ${describeValue(block)}`,
      );
      continue;
    }
    const ref: BlockRef = {
      index,
      blockId:
        typeof block.blockId === 'string' && block.blockId !== '' ? block.blockId : undefined,
      title: typeof block.title === 'string' ? block.title : undefined,
    };
    const labels = isRecord(block.labels) ? block.labels : {};
    const positions: WorkflowLabel[] = [];
    for (const key of Object.keys(labels)) {
      const position = parseWorkflowLabel(key);
      if (position !== undefined) positions.push(position);
    }
    scanned.push({ ref, block, labels, positions });
  }
  return scanned;
}

function chooseWorkflow(
  scanned: readonly ScannedBlock[],
  requested: string | undefined,
  issues: IssueCollector,
): string | undefined {
  if (requested !== undefined) {
    if (typeof requested === 'string' && requested !== '') return requested;
    issues.add(
      undefined,
      'options.workflowName',
      `must be a non-empty string, got ${describeValue(requested)}`,
    );
    return undefined;
  }
  const names = new Set(
    scanned.flatMap((entry) => entry.positions.map((position) => position.name)),
  );
  const [only] = names;
  if (names.size === 1 && only !== undefined) return only;
  if (names.size === 0) {
    issues.add(
      undefined,
      'blocks',
      'carry no workflow label (workflow:<name>:<index>), so no block belongs to a workflow',
    );
  } else {
    const listed = [...names].map((name) => JSON.stringify(name)).join(', ');
    issues.add(
      undefined,
      'options.workflowName',
      `is required: the blocks belong to several workflows (${listed})`,
    );
  }
  return undefined;
}

function selectMembers(
  scanned: readonly ScannedBlock[],
  workflowName: string,
  leftOut: LeftOut[],
  issues: IssueCollector,
): Member[] {
  const members: Member[] = [];
  const holders = new Map<string, BlockRef>();
  for (const entry of scanned) {
    const own = entry.positions.filter((position) => position.name === workflowName);
    const [position] = own;
    if (position === undefined) {
      const names = [...new Set(entry.positions.map((p) => JSON.stringify(p.name)))].join(', ');
      const { labels } = entry.block;
      const reason =
        names !== ''
          ? `belongs to workflow ${names}`
          : labels == null || isRecord(labels)
            ? 'has no workflow label'
            : `has labels that are not an object (got ${describeValue(labels)})`;
      leftOut.push({ ref: entry.ref, reason });
      continue;
    }
    if (own.length > 1) {
      const listed = own.map((p) => JSON.stringify(p.label)).join(', ');
      issues.add(
        entry.ref,
        'labels',
        `place the block in workflow ${JSON.stringify(workflowName)} more than once (${listed})`,
      );
      continue;
    }
    const holder = holders.get(position.label);
    if (holder !== undefined) {
      issues.add(
        entry.ref,
        'labels',
        `give ${JSON.stringify(position.label)}, already the label of ${describeBlock(holder)}`,
      );
      continue;
    }
    holders.set(position.label, entry.ref);
    const content = entry.block.content;
    if (!isRecord(content) || typeof content.type !== 'string') {
      const got = isRecord(content) ? content.type : content;
      issues.add(
        entry.ref,
        isRecord(content) ? 'content.type' : 'content',
        `must name the content type, got ${describeValue(got)}`,
      );
      continue;
    }
    const member = { ...entry, position };
    if (!isApiConfig(member)) {
      leftOut.push({
        ref: entry.ref,
        reason: `is not api_config (content type ${JSON.stringify(content.type)})`,
      });
    }
    members.push(member);
  }
  return members;
}
