import type { Command } from 'commander';
import { toDot, toMermaid, validatePayload } from '../../core/dag/index.js';
import { ValidationError } from '../../core/errors.js';
import { CliError, readJsonFile } from '../read-json.js';
import { printValidationFailure } from '../print-validation.js';

/** `graph <payload.json>`: the DAG as Mermaid (default) or Graphviz DOT. */
export function registerGraphCommand(program: Command): void {
  program
    .command('graph')
    .description('print the workflow graph as Mermaid (default) or DOT')
    .argument('<payload>', 'payload JSON file, or - for stdin')
    .option('-f, --format <format>', 'mermaid or dot', 'mermaid')
    .action(async (path: string, flags: { format: string }) => {
      if (flags.format !== 'mermaid' && flags.format !== 'dot') {
        throw new CliError(`--format must be mermaid or dot, got "${flags.format}"`, 2);
      }
      const outcome = validatePayload(await readJsonFile(path));
      if (!outcome.valid) {
        printValidationFailure(new ValidationError(outcome.issues));
        process.exitCode = 2;
        return;
      }
      const text = flags.format === 'dot' ? toDot(outcome.workflow) : toMermaid(outcome.workflow);
      process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
    });
}
