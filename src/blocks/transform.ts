/** Turns ObjSpace blocks into a workflow payload (SPEC 8). */
import type { StepConfig, WorkflowPayload } from '../core/payload/schema.js';
import { readApiConfig, type ApiStepFields } from './api-config.js';
import {
  describeBlock,
  describeValue,
  isRecord,
  IssueCollector,
  type BlockRef,
} from './block-issues.js';
import {
  describeLeftOut,
  isApiConfig,
  selectWorkflowBlocks,
  type Member,
} from './block-selection.js';
import { makeUnique, toSnakeCase } from './step-name.js';
import { BlockTransformError } from './transform-error.js';
import type { ObjSpaceBlock, TransformOptions, TransformResult } from './types.js';

const USID_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;
const DEPENDS_ON = 'depends_on';
const SELECTION_PREFIX = 'selection_';

interface StepDraft {
  member: Member;
  fields: ApiStepFields;
  dependencies: string[];
}

/**
 * Turns the `api_config` blocks of one workflow into a payload, and reports the blocks it left out.
 * Rules (SPEC 8, docs/blocks.md): blocks are ordered by the index of their `workflow:<name>:<index>`
 * label; each becomes a step with `step_name` = snake_case of its title (made unique), `usid` =
 * its blockId, `input_prep_config` = `{ type: "json", mapping: body_template }`, `outputs` =
 * `data.outputs` or `["<step_name>_result"]`, `dependencies` = its `depends_on` labels and
 * `labels` = its workflow label. Blocks of other workflows and blocks whose content is not
 * `api_config` are left out; one warning lists them (also passed to `options.onWarning`).
 *
 * @param namespace - becomes `payload.namespace`.
 * @param workflowId - becomes `payload.workflow_id`.
 * @throws {@link BlockTransformError} listing every problem, each naming the block and field:
 *   `block "b-7" (Summarize): content.data.service_url is required`.
 * @example
 * const { payload, warnings } = transformBlocks('my-workspace', 'workflow-123', blocks);
 */
export function transformBlocks(
  namespace: string,
  workflowId: string,
  blocks: readonly ObjSpaceBlock[],
  options: TransformOptions = {},
): TransformResult {
  const issues = new IssueCollector();
  for (const [field, value] of [
    ['namespace', namespace],
    ['workflowId', workflowId],
  ] as const) {
    if (typeof value !== 'string' || value === '') {
      issues.add(undefined, field, `must be a non-empty string, got ${describeValue(value)}`);
    }
  }
  if (!Array.isArray(blocks)) {
    issues.add(undefined, 'blocks', `must be an array, got ${describeValue(blocks)}`);
    throw new BlockTransformError(issues.issues);
  }
  const selection = selectWorkflowBlocks(blocks, options.workflowName, issues);
  if (selection === undefined) throw new BlockTransformError(issues.issues);
  const { workflowName, members, leftOut } = selection;
  const apiMembers = members.filter(isApiConfig);
  const apiLabels = new Set(apiMembers.map((member) => member.position.label));
  const otherLabels = new Map(
    members
      .filter((member) => !isApiConfig(member))
      .map((member) => [member.position.label, member.ref]),
  );
  const usids = new Map<string, BlockRef>();
  const drafts: StepDraft[] = [];
  for (const member of apiMembers.sort((a, b) => a.position.index - b.position.index)) {
    checkIdentity(member.ref, member.block, usids, issues);
    const content = member.block.content;
    const fields = readApiConfig(member.ref, isRecord(content) ? content.data : undefined, issues);
    const dependencies = readDependsOn(member, workflowName, apiLabels, otherLabels, issues);
    if (fields !== undefined && dependencies !== undefined)
      drafts.push({ member, fields, dependencies });
  }
  if (apiMembers.length === 0 && issues.issues.length === 0) {
    issues.add(
      undefined,
      'blocks',
      `hold no api_config block of workflow ${JSON.stringify(workflowName)}`,
    );
  }
  const steps = buildSteps(drafts, issues);
  if (issues.issues.length > 0) throw new BlockTransformError(issues.issues);

  const payload: WorkflowPayload = {
    workflow_id: workflowId,
    namespace,
    workflow_name: workflowName,
    ...(options.originalInput === undefined ? {} : { original_input: options.originalInput }),
    ...(options.inputData === undefined ? {} : { input_data: options.inputData }),
    STEPS_CONFIG: steps,
    ...(options.pipelineSettings === undefined
      ? {}
      : { PIPELINE_SETTINGS: options.pipelineSettings }),
  };
  const warnings =
    leftOut.length === 0 ? [] : [describeLeftOut(leftOut, blocks.length, workflowName)];
  for (const warning of warnings) options.onWarning?.(warning);
  return { payload, warnings };
}

/**
 * The payload of {@link transformBlocks}, as the original `transformBlocksToPayload` returned it;
 * the warning, if any, goes to `options.onWarning`.
 *
 * @throws {@link BlockTransformError} as {@link transformBlocks}.
 * @example
 * const payload = transformBlocksToPayload('my-workspace', 'workflow-123', blocks, {
 *   originalInput: 'Text to analyse',
 *   onWarning: (message) => log.warn(message),
 * });
 */
export function transformBlocksToPayload(
  namespace: string,
  workflowId: string,
  blocks: readonly ObjSpaceBlock[],
  options: TransformOptions = {},
): WorkflowPayload {
  return transformBlocks(namespace, workflowId, blocks, options).payload;
}

function checkIdentity(
  ref: BlockRef,
  block: Record<string, unknown>,
  usids: Map<string, BlockRef>,
  issues: IssueCollector,
): void {
  const { blockId, title } = block;
  if (typeof blockId !== 'string' || !USID_PATTERN.test(blockId)) {
    issues.add(
      ref,
      'blockId',
      `must be 1 to 64 of A-Z a-z 0-9 _ . : - (it becomes the step's usid), got ${describeValue(blockId)}`,
    );
  } else {
    const other = usids.get(blockId);
    if (other === undefined) usids.set(blockId, ref);
    // Both blocks carry this id, so the earlier one is named by its position.
    else
      issues.add(
        ref,
        'blockId',
        `is also the blockId of ${describeBlock({ ...other, blockId: undefined })}`,
      );
  }
  if (typeof title !== 'string' || title.trim() === '') {
    issues.add(ref, 'title', `is required (it gives the step's name), got ${describeValue(title)}`);
  }
}

function readDependsOn(
  member: Member,
  workflowName: string,
  apiLabels: ReadonlySet<string>,
  otherLabels: ReadonlyMap<string, BlockRef>,
  issues: IssueCollector,
): string[] | undefined {
  const value = member.labels[DEPENDS_ON];
  if (value === undefined || value === null) return [];
  const field = `labels.${DEPENDS_ON}`;
  if (typeof value !== 'string') {
    issues.add(
      member.ref,
      field,
      `must be a comma-separated string of workflow labels, got ${describeValue(value)}`,
    );
    return undefined;
  }
  const dependencies = [...new Set(value.split(',').map((part) => part.trim()))].filter(
    (part) => part !== '',
  );
  let valid = true;
  for (const dependency of dependencies) {
    if (apiLabels.has(dependency) || dependency.startsWith(SELECTION_PREFIX)) continue;
    valid = false;
    const other = otherLabels.get(dependency);
    issues.add(
      member.ref,
      field,
      other === undefined
        ? `names ${JSON.stringify(dependency)}, which is no block of workflow ${JSON.stringify(workflowName)}`
        : `names ${JSON.stringify(dependency)}, the label of ${describeBlock(other)}, which is not an api_config block`,
    );
  }
  return valid ? dependencies : undefined;
}

function buildSteps(drafts: readonly StepDraft[], issues: IssueCollector): StepConfig[] {
  const names = makeUnique(drafts.map((draft) => toSnakeCase(String(draft.member.block.title))));
  const producers = new Map<string, BlockRef>();
  return drafts.map((draft, position): StepConfig => {
    const stepName = names[position] ?? toSnakeCase(String(draft.member.block.title));
    const {
      outputs: listed,
      service_url,
      method,
      headers,
      input_prep_config,
      ...rest
    } = draft.fields;
    const outputs = listed ?? [`${stepName}_result`];
    for (const output of outputs) {
      const other = producers.get(output);
      if (other === undefined) producers.set(output, draft.member.ref);
      else
        issues.add(
          draft.member.ref,
          'content.data.outputs',
          `gives ${JSON.stringify(output)}, already an output of ${describeBlock(other)}`,
        );
    }
    return {
      step_name: stepName,
      usid: String(draft.member.block.blockId),
      service_url,
      method: method ?? 'POST',
      dependencies: draft.dependencies,
      outputs,
      ...(headers === undefined ? {} : { headers }),
      input_prep_config,
      ...rest,
      labels: [draft.member.position.label],
    };
  });
}
