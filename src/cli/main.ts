#!/usr/bin/env node
/** `workflow-engine`: run, validate and draw workflows, serve the API, run the demo. */
import { Command, CommanderError } from 'commander';
import { isWorkflowEngineError } from '../core/errors.js';
import { registerDemoCommand } from './commands/demo.js';
import { registerExampleServicesCommand } from './commands/example-services.js';
import { registerGraphCommand } from './commands/graph.js';
import { registerRunCommand } from './commands/run.js';
import { registerTransformCommand } from './commands/transform.js';
import { registerServeCommand } from './commands/serve.js';
import { registerValidateCommand } from './commands/validate.js';
import { CliError } from './read-json.js';
import { ENGINE_VERSION } from '../version.js';

const program = new Command()
  .name('workflow-engine')
  .description('ObjSpace Workflow Engine: runs workflows of HTTP steps as a parallel DAG')
  .version(ENGINE_VERSION)
  .exitOverride();

registerRunCommand(program);
registerServeCommand(program);
registerValidateCommand(program);
registerGraphCommand(program);
registerDemoCommand(program);
registerExampleServicesCommand(program);
registerTransformCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode === 0 ? 0 : 2;
  } else if (error instanceof CliError) {
    process.stderr.write(`workflow-engine: ${error.message}\n`);
    process.exitCode = error.exitCode;
  } else if (isWorkflowEngineError(error)) {
    process.stderr.write(`workflow-engine: ${error.code}: ${error.message}\n`);
    process.exitCode = 1;
  } else {
    process.stderr.write(
      `workflow-engine: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  }
}
