import type { Command } from 'commander';
import { executeWorkflow } from '../../app/execute-workflow.js';
import { ValidationError } from '../../core/errors.js';
import { secretsFromEnv, secretsFromFile } from '../../config/secrets.js';
import { createProgressReporter } from '../progress.js';
import { printValidationFailure } from '../print-validation.js';
import { readJsonFile } from '../read-json.js';
import { payloadFromBlocksFile, type BlocksFlags } from '../blocks-input.js';

interface RunFlags extends BlocksFlags {
  secretsFile?: string;
  quiet?: boolean;
  blocks?: boolean;
}

/** `run <payload.json>`: runs in-process with live progress; the result JSON goes to stdout. */
export function registerRunCommand(program: Command): void {
  program
    .command('run')
    .description('run a payload in this process; progress on stderr, result JSON on stdout')
    .argument('<payload>', 'payload JSON file (blocks file with --blocks), or - for stdin')
    .option('--blocks', 'the file holds ObjSpace blocks: transform them first')
    .option('--namespace <namespace>', 'with --blocks: namespace of the workflow')
    .option('--workflow-id <id>', 'with --blocks: id of the workflow definition')
    .option('--workflow <name>', 'with --blocks: workflow label name whose blocks become steps')
    .option('--secrets-file <file>', 'JSON object of secrets; adds to WFE_SECRET_* variables')
    .option('-q, --quiet', 'no progress output')
    .action(async (path: string, flags: RunFlags) => {
      const payload =
        flags.blocks === true ? await payloadFromBlocksFile(path, flags) : await readJsonFile(path);
      const secrets = {
        ...secretsFromEnv(),
        ...(flags.secretsFile === undefined ? {} : secretsFromFile(flags.secretsFile)),
      };
      const progress = flags.quiet === true ? null : createProgressReporter();
      try {
        const result = await executeWorkflow(payload, {
          secrets,
          ...(progress === null ? {} : { onEvent: (event) => progress.onEvent(event) }),
        });
        progress?.close();
        process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
        process.exitCode = result.success ? 0 : 1;
      } catch (error) {
        progress?.close();
        if (!(error instanceof ValidationError)) throw error;
        printValidationFailure(error);
        process.exitCode = 2;
      }
    });
}
