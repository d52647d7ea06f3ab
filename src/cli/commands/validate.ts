import type { Command } from 'commander';
import { validatePayload } from '../../core/dag/index.js';
import { ValidationError } from '../../core/errors.js';
import { printValidationFailure } from '../print-validation.js';
import { readJsonFile } from '../read-json.js';

/** `validate <payload.json>`: the problems, or the plan as levels of usids. Exit 2 when invalid. */
export function registerValidateCommand(program: Command): void {
  program
    .command('validate')
    .description('check a payload; print its problems, or its plan as levels of steps')
    .argument('<payload>', 'payload JSON file, or - for stdin')
    .option('--json', 'print the plan as JSON ({ valid, plan: { levels } })')
    .action(async (path: string, flags: { json?: boolean }) => {
      const outcome = validatePayload(await readJsonFile(path));
      if (!outcome.valid) {
        printValidationFailure(new ValidationError(outcome.issues));
        process.exitCode = 2;
        return;
      }
      const { workflow } = outcome;
      const levels = workflow.levels.map((level) =>
        level.map((index) => workflow.steps[index]?.usid ?? ''),
      );
      if (flags.json === true) {
        process.stdout.write(`${JSON.stringify({ valid: true, plan: { levels } }, null, 2)}\n`);
        return;
      }
      process.stdout.write(`valid: ${workflow.steps.length} steps in ${levels.length} levels\n`);
      workflow.levels.forEach((level, number) => {
        const names = level.map((index) => {
          const step = workflow.steps[index];
          return step === undefined ? '' : `${step.name} (${step.usid})`;
        });
        process.stdout.write(`  level ${number + 1}: ${names.join(', ')}\n`);
      });
    });
}
