/**
 * Property: over random DAGs whose steps succeed or fail at random (decided by a real loopback
 * service), every step ends in exactly one terminal state, no step starts before all its
 * dependencies have settled, and the counts of the result add up.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UndiciStepExecutor } from '../../src/adapters/executor/http/index.js';
import { executeWorkflow } from '../../src/app/execute-workflow.js';
import type { WorkflowEvent } from '../../src/core/run/index.js';
import { sendJson, startScriptedServer, type ScriptedServer } from '../helpers/scripted-server.js';

let server: ScriptedServer;
const executor = new UndiciStepExecutor();

/** /ok answers 200, /fail 400 (final, so no retries), both after a small random delay. */
beforeAll(async () => {
  server = await startScriptedServer(async (request, response) => {
    await new Promise((resolve) => setTimeout(resolve, Number(request.query.get('delay') ?? 0)));
    sendJson(response, request.path === '/fail' ? 400 : 200, { ok: request.path === '/ok' });
  });
});
afterAll(async () => {
  await executor.close();
  await server.close();
});

const RULES = ['all_success', 'none_failed_min_one_success', 'one_success', 'all_done'] as const;

const workflowArbitrary = fc.integer({ min: 1, max: 12 }).chain((count) =>
  fc.record({
    steps: fc.tuple(
      ...Array.from({ length: count }, (_, index) =>
        fc.record({
          upstream:
            index === 0
              ? fc.constant<number[]>([])
              : fc.uniqueArray(fc.integer({ min: 0, max: index - 1 }), { maxLength: 3 }),
          rule: fc.constantFrom(...RULES),
          fails: fc.boolean(),
          delay: fc.integer({ min: 0, max: 5 }),
        }),
      ),
    ),
    raiseOnError: fc.boolean(),
    maxParallel: fc.integer({ min: 1, max: 4 }),
  }),
);

describe('runs of random workflows', () => {
  it('settle every step once, respect dependencies and count correctly', async () => {
    await fc.assert(
      fc.asyncProperty(workflowArbitrary, async ({ steps, raiseOnError, maxParallel }) => {
        const payload = {
          STEPS_CONFIG: steps.map((step, index) => ({
            step_name: `s${index}`,
            usid: `s${index}`,
            service_url: `${server.url}/${step.fails ? 'fail' : 'ok'}?delay=${step.delay}`,
            outputs: [`o${index}`],
            dependencies: step.upstream.map((up) => `o${up}`),
            trigger_rule: step.rule,
          })),
          PIPELINE_SETTINGS: {
            error_handling: { max_retries: 0, raise_on_error: raiseOnError },
            concurrency: { max_parallel_steps: maxParallel },
          },
        };
        const events: WorkflowEvent[] = [];
        const result = await executeWorkflow(payload, {
          executor,
          onEvent: (event) => events.push(event),
        });

        const terminal = ['completed', 'failed', 'aborted', 'cancelled'];
        for (const entry of result.steps) expect(terminal).toContain(entry.status);
        const settledEvents = events.filter((event) =>
          ['step_completed', 'step_failed', 'step_aborted'].includes(event.event),
        );
        expect(settledEvents).toHaveLength(steps.length);
        expect(
          new Set(settledEvents.map((event) => (event.data as { usid: string }).usid)).size,
        ).toBe(steps.length);

        // No step starts before each of its dependencies has settled.
        const settledAt = new Map<string, number>();
        for (const event of events) {
          const usid = (event.data as { usid?: string }).usid;
          if (usid === undefined) continue;
          if (event.event === 'step_started') {
            const index = Number(usid.slice(1));
            for (const up of steps[index]!.upstream)
              expect(settledAt.get(`s${up}`), `${usid} after s${up}`).toBeLessThan(event.sequence);
          } else if (event.event !== 'step_retrying') {
            settledAt.set(usid, event.sequence);
          }
        }

        const counted =
          result.steps_completed +
          result.steps_failed +
          result.steps_aborted +
          result.steps_cancelled;
        expect(counted).toBe(steps.length);
        expect(result.steps_completed).toBe(
          result.steps.filter((entry) => entry.status === 'completed').length,
        );
        expect(result.success).toBe(result.steps_failed === 0);
        expect(result.status).toBe(result.steps_failed === 0 ? 'succeeded' : 'failed');
        if (raiseOnError && result.steps_failed > 0) {
          expect(result.steps.filter((entry) => entry.status === 'failed')).toHaveLength(1);
        }
        expect(events.map((event) => event.sequence)).toEqual(events.map((_, index) => index + 1));
      }),
      { numRuns: 60 },
    );
  });
});
