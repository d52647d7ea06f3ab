/**
 * The service's entry point: build the application from a configuration, listen, and shut down
 * gracefully (stop accepting, let runs finish within the grace period, cancel the rest, close).
 */
import type { FastifyInstance } from 'fastify';
import { buildServer, trackConnections, type ConnectionDrain } from './adapters/http-api/index.js';
import { buildApp, type App } from './app/build-app.js';
import type { EngineConfig } from './config/index.js';

/** A listening service. */
export interface RunningServer {
  /** e.g. `http://127.0.0.1:8000`. */
  readonly url: string;
  readonly app: App;
  readonly server: FastifyInstance;
  /**
   * Stops accepting connections, lets runs in flight finish for up to
   * `config.server.shutdownGraceMs` (then cancels them: recorded `cancelled`), waits for open
   * requests to be answered and closes the application. Idempotent.
   */
  shutdown(): Promise<void>;
}

/**
 * Builds the application and the HTTP server and starts listening.
 *
 * @throws ConfigError when an adapter refuses its options; the listen error (e.g. EADDRINUSE)
 *   after closing what was built.
 * @example
 * const running = await startServer(loadConfig());
 * await shutdownOnSignal(running);
 */
export async function startServer(config: EngineConfig): Promise<RunningServer> {
  const app = await buildApp(config);
  let server: FastifyInstance;
  let connections: ConnectionDrain;
  let url: string;
  try {
    server = await buildServer(app, config);
    connections = trackConnections(server.server);
    url = await server.listen({ host: config.server.host, port: config.server.port });
  } catch (error) {
    await app.close();
    throw error;
  }
  app.logger.info(
    { url, store: app.store.kind, authentication: config.server.apiToken !== null },
    `workflow engine listening on ${url}`,
  );

  let stopping: Promise<void> | null = null;
  const stop = async (): Promise<void> => {
    const graceMs = config.server.shutdownGraceMs;
    app.logger.info({ graceMs, activeRuns: app.runService.activeRuns }, 'shutting down');
    // Not awaited yet: open requests include synchronous runs, which end only once the run
    // service has let them finish or cancelled them.
    const closed = server.close();
    await app.runService.shutdown(graceMs);
    // Every run has ended, so event streams are over and synchronous answers are on their way.
    connections.drain();
    await closed;
    await app.close();
    app.logger.info({}, 'stopped');
  };
  return { url, app, server, shutdown: () => (stopping ??= stop()) };
}

/**
 * Shuts `running` down on the first SIGTERM or SIGINT and resolves with that signal once it has
 * stopped. A second signal during shutdown exits at once with status 1.
 */
export function shutdownOnSignal(
  running: RunningServer,
  signals: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT'],
): Promise<NodeJS.Signals> {
  return new Promise((resolve, reject) => {
    const onSignal = (signal: NodeJS.Signals): void => {
      for (const name of signals) process.off(name, onSignal);
      const again = (): void => {
        running.app.logger.warn({ signal }, 'second signal during shutdown; exiting now');
        process.exit(1);
      };
      for (const name of signals) process.once(name, again);
      running.shutdown().then(
        () => {
          for (const name of signals) process.off(name, again);
          resolve(signal);
        },
        (error: unknown) => {
          for (const name of signals) process.off(name, again);
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
    };
    for (const name of signals) process.once(name, onSignal);
  });
}
