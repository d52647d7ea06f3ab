import type { FastifyInstance } from 'fastify';
import { HealthSchema } from '../schemas.js';
import type { HttpApiApp } from '../types.js';

/** Name the service reports in `GET /health`. */
export const SERVICE_NAME = 'workflow-engine';
/** Longest wait for the store to answer a health ping, in ms. */
const STORE_PING_TIMEOUT_MS = 2_000;

/** `GET /health`: 200 `healthy` when the store answers, else 503 `degraded`. Never needs a token. */
export function registerHealthRoute(
  server: FastifyInstance,
  app: HttpApiApp,
  version: string,
): void {
  server.get(
    '/health',
    {
      schema: {
        summary: 'Liveness and store reachability',
        tags: ['service'],
        response: { 200: HealthSchema, 503: HealthSchema },
      },
    },
    async (_request, reply) => {
      const problem = await pingStore(app.store);
      const body = {
        status: problem === null ? 'healthy' : 'degraded',
        service: SERVICE_NAME,
        version,
        active_runs: app.runService.activeRuns,
        store:
          problem === null
            ? { kind: app.store.kind, status: 'ok' }
            : { kind: app.store.kind, status: 'unavailable', error: problem },
      };
      return reply.code(problem === null ? 200 : 503).send(body);
    },
  );
}

/** Null when the store answered in time, else why not. */
async function pingStore(store: HttpApiApp['store']): Promise<string | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(
      () => resolve(`no answer within ${STORE_PING_TIMEOUT_MS} ms`),
      STORE_PING_TIMEOUT_MS,
    );
  });
  try {
    return await Promise.race([
      store.ping().then(
        () => null,
        (error: unknown) => (error instanceof Error ? error.message : String(error)),
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
