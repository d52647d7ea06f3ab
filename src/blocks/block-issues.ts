/** Collects the problems of a block transformation, each message naming the block and field. */
import type { BlockTransformIssue } from './transform-error.js';

/** Which block an issue is about: its place in the array, and its id and title when it has them. */
export interface BlockRef {
  index: number;
  blockId: string | undefined;
  title: string | undefined;
}

/** `block "b-7" (Summarize)`, or `blocks[3] (Summarize)` when the block has no usable id. */
export function describeBlock(ref: BlockRef): string {
  const who =
    ref.blockId === undefined ? `blocks[${ref.index}]` : `block ${JSON.stringify(ref.blockId)}`;
  return ref.title === undefined || ref.title === '' ? who : `${who} (${ref.title})`;
}

/** A short rendering of a received value for "got ..." clauses. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}...` : value);
    case 'object':
      return 'an object';
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(value);
    default:
      return `a ${typeof value}`;
  }
}

/** True for a plain JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Accumulates issues so that one error reports every problem, not just the first. */
export class IssueCollector {
  readonly issues: BlockTransformIssue[] = [];

  /** Records `<block>: <field> <problem>`; without a block, `<field> <problem>`. */
  add(ref: BlockRef | undefined, field: string, problem: string): void {
    const text = `${field} ${problem}`;
    this.issues.push({
      blockId: ref?.blockId,
      title: ref?.title,
      index: ref?.index,
      field,
      message: ref === undefined ? text : `${describeBlock(ref)}: ${text}`,
    });
  }
}
