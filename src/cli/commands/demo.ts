import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { executeWorkflow } from '../../app/execute-workflow.js';
import { EXAMPLE_SERVICES_ORIGIN, startExampleServices } from '../../examples/index.js';
import { createProgressReporter } from '../progress.js';
import { isBlocksDocument, payloadFromBlocksDocument } from '../blocks-input.js';

const PAYLOADS_DIR = fileURLToPath(new URL('../../../payloads/', import.meta.url));

/** The bundled payloads in the order the demo runs them; the last one fails on purpose. */
export const DEMO_PAYLOADS = [
  'example.json',
  'sequential-steps.json',
  'parallel-dag.json',
  'conditional-branch.json',
  'llm-chain.json',
  'blocks-analysis.json',
  'retry-and-timeout.json',
] as const;

/** `demo`: starts the example services and runs the example payloads with live progress. */
export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('start the example services and run the example payloads with live progress')
    .option('-p, --port <port>', 'port of the example services (0 = any free port)', '8787')
    .option('--full', 'print each whole result instead of its summary')
    .action(async (flags: { port: string; full?: boolean }) => {
      const services = await startServices(Number(flags.port));
      process.stderr.write(`example services on ${services.baseUrl}\n`);
      try {
        for (const file of DEMO_PAYLOADS) {
          const text = await readFile(`${PAYLOADS_DIR}${file}`, 'utf8');
          const document: unknown = JSON.parse(
            text.split(EXAMPLE_SERVICES_ORIGIN).join(services.baseUrl),
          );
          const payload = isBlocksDocument(document)
            ? payloadFromBlocksDocument(document, {}, file)
            : document;
          process.stderr.write(`\n━━ ${file}\n`);
          const progress = createProgressReporter();
          const result = await executeWorkflow(payload, {
            onEvent: (event) => progress.onEvent(event),
          });
          progress.close();
          const summary =
            flags.full === true
              ? result
              : {
                  file,
                  success: result.success,
                  status: result.status,
                  execution_time: result.execution_time,
                  final_result: result.final_result,
                  ...(result.error === undefined ? {} : { error: result.error }),
                };
          process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
        }
      } finally {
        await services.close();
      }
    });
}

async function startServices(port: number): ReturnType<typeof startExampleServices> {
  try {
    return await startExampleServices({ port });
  } catch (error) {
    // Another program holds the usual port: any free one will do, the payloads are rewritten.
    const cause =
      error instanceof Error ? (error.cause as NodeJS.ErrnoException | undefined) : undefined;
    if (port === 0 || cause?.code !== 'EADDRINUSE') throw error;
    return startExampleServices({ port: 0 });
  }
}
