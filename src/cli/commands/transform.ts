import type { Command } from 'commander';
import { payloadFromBlocksFile, type BlocksFlags } from '../blocks-input.js';

/** `transform <blocks.json>`: prints the payload the blocks become. */
export function registerTransformCommand(program: Command): void {
  program
    .command('transform')
    .description('turn ObjSpace blocks into a workflow payload (printed as JSON)')
    .argument(
      '<blocks>',
      'JSON file: an array of blocks, or { blocks, namespace, workflow_id, ... }',
    )
    .option('--namespace <namespace>', 'namespace of the workflow')
    .option('--workflow-id <id>', 'id of the workflow definition')
    .option('--workflow <name>', 'workflow label name whose blocks become steps')
    .action(async (path: string, flags: BlocksFlags) => {
      const payload = await payloadFromBlocksFile(path, flags);
      process.stdout.write(`${JSON.stringify(payload, null, 2)}\n`);
    });
}
