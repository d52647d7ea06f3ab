import { BlockTransformError, transformBlocks, type ObjSpaceBlock } from '../blocks/index.js';
import type { WorkflowPayload } from '../core/payload/index.js';
import { CliError, readJsonFile } from './read-json.js';

/** Flags that place blocks in a workflow; they override the file's own fields. */
export interface BlocksFlags {
  namespace?: string;
  workflowId?: string;
  workflow?: string;
}

/**
 * Reads a blocks file and transforms it into a payload. The file is either an array of blocks or
 * `{ "blocks": [...], "namespace", "workflow_id", "workflow_name", "original_input",
 * "input_data", "pipeline_settings" }`. Warnings go to stderr.
 */
export async function payloadFromBlocksFile(
  path: string,
  flags: BlocksFlags,
): Promise<WorkflowPayload> {
  return payloadFromBlocksDocument(await readJsonFile(path), flags, path);
}

/** True when a parsed JSON document holds blocks rather than a payload. */
export function isBlocksDocument(document: unknown): boolean {
  return Array.isArray(document) || (isRecord(document) && Array.isArray(document.blocks));
}

/** The payload of a parsed blocks document (see {@link payloadFromBlocksFile}); `source` names it in errors. */
export function payloadFromBlocksDocument(
  file: unknown,
  flags: BlocksFlags,
  source: string,
): WorkflowPayload {
  const wrapper = Array.isArray(file) ? { blocks: file } : file;
  if (
    wrapper === null ||
    typeof wrapper !== 'object' ||
    !Array.isArray((wrapper as { blocks?: unknown }).blocks)
  ) {
    throw new CliError(
      `${source}: expected an array of blocks or an object with a "blocks" array`,
      2,
    );
  }
  const fields = wrapper as Record<string, unknown>;
  const text = (key: string): string | undefined =>
    typeof fields[key] === 'string' ? fields[key] : undefined;
  const workflowName = flags.workflow ?? text('workflow_name');
  try {
    const { payload, warnings } = transformBlocks(
      flags.namespace ?? text('namespace') ?? 'default',
      flags.workflowId ?? text('workflow_id') ?? 'unknown',
      fields.blocks as ObjSpaceBlock[],
      {
        ...(workflowName === undefined ? {} : { workflowName }),
        ...(fields.original_input === undefined ? {} : { originalInput: fields.original_input }),
        ...(isRecord(fields.input_data) ? { inputData: fields.input_data } : {}),
        ...(isRecord(fields.pipeline_settings)
          ? { pipelineSettings: fields.pipeline_settings }
          : {}),
      },
    );
    for (const warning of warnings) process.stderr.write(`warning: ${warning}\n`);
    return payload;
  } catch (error) {
    if (error instanceof BlockTransformError) throw new CliError(error.message, 2);
    throw error;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
