import type { Command } from 'commander';
import { startExampleServices } from '../../examples/index.js';

/** `example-services`: the bundled loopback services the example payloads call. */
export function registerExampleServicesCommand(program: Command): void {
  program
    .command('example-services')
    .description(
      'serve the example services (echo, OpenAI- and Anthropic-shaped, router, flaky, slow) on loopback',
    )
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('-p, --port <port>', 'port to listen on', '8787')
    .action(async (flags: { host: string; port: string }) => {
      const services = await startExampleServices({ host: flags.host, port: Number(flags.port) });
      process.stderr.write(`example services listening on ${services.baseUrl} (Ctrl-C to stop)\n`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await services.close();
    });
}
