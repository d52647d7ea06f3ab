import type { Command } from 'commander';
import type { ConfigFlags } from '../../config/index.js';

interface ServeFlags {
  host?: string;
  port?: string;
  store?: string;
  secretsFile?: string;
  logLevel?: string;
}

/**
 * `serve`: the HTTP service. Flags win over the environment (docs/config.md); SIGTERM or SIGINT
 * shuts it down gracefully and the process exits 0.
 */
export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description(
      'serve the HTTP API (settings: docs/config.md; flags win over environment variables)',
    )
    .option('--host <host>', 'interface to listen on (WFE_HOST; default 127.0.0.1)')
    .option('-p, --port <port>', 'port to listen on, 0 for any free one (WFE_PORT; default 8000)')
    .option(
      '--store <kind>',
      'run store: memory, redis or upstash (WFE_STORE; default: chosen from the environment)',
    )
    .option(
      '--secrets-file <file>',
      'JSON object of secrets; wins over WFE_SECRET_* variables (WFE_SECRETS_FILE)',
    )
    .option(
      '--log-level <level>',
      'fatal, error, warn, info, debug, trace or silent (WFE_LOG_LEVEL; default info)',
    )
    .action(async (flags: ServeFlags) => {
      const configFlags: ConfigFlags = {};
      if (flags.host !== undefined) configFlags.host = flags.host;
      if (flags.port !== undefined) configFlags.port = flags.port;
      if (flags.store !== undefined) configFlags.store = flags.store;
      if (flags.secretsFile !== undefined) configFlags.secretsFile = flags.secretsFile;
      if (flags.logLevel !== undefined) configFlags.logLevel = flags.logLevel;
      // Loaded here so that the other commands do not pay for the server's modules at start.
      const { loadConfig } = await import('../../config/index.js');
      const { shutdownOnSignal, startServer } = await import('../../server.js');
      const running = await startServer(loadConfig({ flags: configFlags }));
      await shutdownOnSignal(running);
      process.exitCode = 0;
    });
}
