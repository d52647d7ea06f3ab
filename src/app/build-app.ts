/**
 * The composition root of the service: builds the logger, store, executor, notifier and run
 * service from the configuration. The only place that picks adapters.
 */
import { pino, type Logger as PinoLogger } from 'pino';
import pretty from 'pino-pretty';
import { systemClock } from '../adapters/clock/index.js';
import { UndiciStepExecutor } from '../adapters/executor/http/index.js';
import { WebhookNotifier } from '../adapters/notifier/webhook/index.js';
import { createRunStore } from '../adapters/storage/index.js';
import {
  redactConfig,
  type EngineConfig,
  type ServerConfig,
  type StorageConfig,
} from '../config/index.js';
import type { RunStore } from '../ports/run-store.js';
import type { StepExecutor } from '../ports/step-executor.js';
import { RunService } from './run-service.js';

/** The running application: everything the HTTP server and entry points need. */
export interface App {
  readonly config: EngineConfig;
  readonly logger: PinoLogger;
  readonly store: RunStore;
  readonly executor: StepExecutor;
  readonly notifier: WebhookNotifier;
  readonly runService: RunService;
  /**
   * Cancels runs still in flight (call `runService.shutdown(graceMs)` first to let them finish),
   * then closes the notifier, the executor and the store, in reverse order of start. Idempotent.
   */
  close(): Promise<void>;
}

/** Where secrets and credentials may appear in log fields; pino replaces them. */
const REDACTED_LOG_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'headers.authorization',
  'headers.cookie',
  'apiToken',
  '*.apiToken',
  'upstashRestToken',
  '*.upstashRestToken',
  'token',
  '*.token',
  'password',
  '*.password',
  'secrets',
  '*.secrets',
];

/**
 * Builds the application. A store that does not answer is logged, not fatal: `GET /health` then
 * reports `degraded` and runs are refused with 503 until it answers.
 *
 * @throws ConfigError when an adapter refuses its options.
 * @example
 * const app = await buildApp(loadConfig());
 * // ... serve ...
 * await app.runService.shutdown(app.config.server.shutdownGraceMs);
 * await app.close();
 */
export async function buildApp(config: EngineConfig): Promise<App> {
  const logger = createLogger(config.server);
  const store = createStore(config.storage);
  const executor = new UndiciStepExecutor();
  const notifier = new WebhookNotifier({
    logger: logger.child({ component: 'webhooks' }),
    maxAttempts: config.webhooks.maxAttempts,
    flushBudgetMs: config.webhooks.flushBudgetMs,
    clock: systemClock,
  });
  const runService = new RunService({
    store,
    executor,
    notifier,
    clock: systemClock,
    logger,
    secrets: config.secrets.values,
    maxResponseBytes: config.executor.maxResponseBytes,
    limits: config.limits,
    maxConcurrentRuns: config.server.maxConcurrentRuns,
    webhookFlushBudgetMs: config.webhooks.flushBudgetMs,
  });
  logger.debug({ config: redactConfig(config) }, 'configuration');
  try {
    await store.ping();
  } catch (error) {
    logger.warn(
      { store: store.kind, err: error },
      'the run store does not answer; runs are refused until it does',
    );
  }

  let closing: Promise<void> | null = null;
  const close = async (): Promise<void> => {
    const steps: [string, () => Promise<void>][] = [
      ['run service', () => runService.shutdown(0)],
      ['webhook notifier', () => notifier.close()],
      ['step executor', () => executor.close()],
      ['run store', () => store.close()],
    ];
    for (const [name, step] of steps) {
      try {
        await step();
      } catch (error) {
        logger.error({ err: error }, `closing the ${name} failed`);
      }
    }
    logger.flush();
  };
  return {
    config,
    logger,
    store,
    executor,
    notifier,
    runService,
    close: () => (closing ??= close()),
  };
}

function createLogger(server: ServerConfig): PinoLogger {
  const options = {
    level: server.logLevel,
    redact: { paths: REDACTED_LOG_PATHS, censor: '[redacted]' },
  };
  if (!server.prettyLogs) return pino(options);
  return pino(options, pretty({ translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' }));
}

function createStore(storage: StorageConfig): RunStore {
  const common = { ttlSeconds: storage.ttlSeconds };
  switch (storage.kind) {
    case 'memory':
      return createRunStore('memory', common);
    case 'redis':
      return createRunStore('redis', {
        ...common,
        url: storage.redisUrl,
        keyPrefix: storage.keyPrefix,
      });
    case 'upstash':
      return createRunStore('upstash', {
        ...common,
        url: storage.upstashRestUrl ?? '',
        token: storage.upstashRestToken ?? '',
        keyPrefix: storage.keyPrefix,
      });
  }
}
