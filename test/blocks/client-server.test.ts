/**
 * The client against the engine's real HTTP server on 127.0.0.1, running workflows on the
 * example services: sync and async runs, event streams, cancellation, error answers, the token,
 * listing and validation, and the blocks -> payload -> run -> result block round trip.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createResultBlock,
  transformBlocksToPayload,
  WorkflowEngineClient,
  WorkflowEngineClientError,
  type ObjSpaceBlock,
  type PipelineSettings,
  type RunRecord,
  type StepHistoryEntry,
  type WorkflowEvent,
  type WorkflowPayload,
  type WorkflowResult,
} from '../../src/blocks/index.js';
import {
  EXAMPLE_SERVICES_ORIGIN,
  startExampleServices,
  type ExampleServices,
} from '../../src/examples/index.js';
import type { RunStatus } from '../../src/core/run/index.js';
import type { RunningServer } from '../../src/server.js';
import {
  diamondPayload,
  echoStep,
  pollFor,
  slowPayload,
  startTestService,
} from '../helpers/http-harness.js';

const TOKEN = 'client-server-token';
/** Long enough that a run is still going when the test acts on it; cancelled long before. */
const LONG_DELAY_MS = 30_000;

let services: ExampleServices;
let service: RunningServer;
let guarded: RunningServer;
let client: WorkflowEngineClient;

beforeAll(async () => {
  services = await startExampleServices({ port: 0 });
  [service, guarded] = await Promise.all([
    startTestService(),
    startTestService({ ENGINE_API_TOKEN: TOKEN }),
  ]);
  client = new WorkflowEngineClient({ baseUrl: service.url, timeoutMs: 5_000 });
});

afterAll(async () => {
  await Promise.all([service.shutdown(), guarded.shutdown()]);
  await services.close();
});

const diamond = (tag: string): WorkflowPayload =>
  diamondPayload(services.baseUrl, tag) as unknown as WorkflowPayload;

const slow = (delayMs: number, workflowId = 'wf-slow'): WorkflowPayload =>
  ({
    ...slowPayload(services.baseUrl, delayMs),
    workflow_id: workflowId,
  }) as unknown as WorkflowPayload;

/** Polls the run's record until it has ended (pollFor's deadline). */
async function waitForEnd(runId: string): Promise<RunRecord> {
  return pollFor(async () => {
    const record = await client.getRun(runId);
    return record.status === 'running' ? undefined : record;
  }, `run ${runId} to end`);
}

async function collect(stream: AsyncIterable<WorkflowEvent>): Promise<WorkflowEvent[]> {
  const events: WorkflowEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

async function clientError(promise: Promise<unknown>): Promise<WorkflowEngineClientError> {
  const error: unknown = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(WorkflowEngineClientError);
  return error as WorkflowEngineClientError;
}

/** Fields that depend on timing or on the run's id, at any depth. */
const VOLATILE_FIELDS = new Set([
  'run_id',
  'execution_time',
  'created_at',
  'finished_at',
  'started_at',
  'duration_ms',
]);

/** A result or record without its volatile fields, for comparing two runs of one payload. */
function outcome(result: WorkflowResult | RunRecord): unknown {
  const text = JSON.stringify(result, (key, value: unknown) =>
    VOLATILE_FIELDS.has(key) ? undefined : value,
  );
  return JSON.parse(text) as unknown;
}

/** `usid:status` of each step, in the payload's order. */
const stepStatuses = (steps: readonly StepHistoryEntry[]): string =>
  steps.map((step) => `${step.usid}:${step.status}`).join(' ');

const eventNames = (events: readonly WorkflowEvent[]): string =>
  events.map((event) => event.event).join(' ');

describe('WorkflowEngineClient against the service', () => {
  it('executeWorkflow answers the finished run with its success and outputs', async () => {
    const result = await client.executeWorkflow(diamond('sync'));

    expect(result.success).toBe(true);
    expect(result.status).toBe('succeeded');
    expect(result.workflow_id).toBe('wf-sync');
    expect(result.final_result).toEqual({ joined: 'sync|sync!|sync?' });
    expect(result.all_outputs).toMatchObject({ out_a: { text: 'sync' }, out_b: { text: 'sync!' } });
    expect(stepStatuses(result.steps)).toBe('a:completed b:completed c:completed d:completed');
  });

  it('executeAsync answers 202 URLs at once and getRun ends with the sync run’s result', async () => {
    const sync = await client.executeWorkflow(diamond('both'));
    const started = await client.executeAsync(diamond('both'));

    expect(started.run_id).toMatch(/^[0-9A-Z]{26}$/);
    expect(started.status_url).toBe(`${service.url}/api/runs/${started.run_id}`);
    expect(started.events_url).toBe(`${service.url}/api/runs/${started.run_id}/events`);
    const record = await waitForEnd(started.run_id);
    expect(record.run_id).toBe(started.run_id);
    expect(record.finished_at).not.toBeNull();
    expect(outcome(record)).toEqual(outcome(sync));
  });

  it('streamEvents yields a live run’s events in order, sequence 1..n, ending with workflow_completed', async () => {
    const { run_id: runId } = await client.executeAsync(slow(300));
    const events: WorkflowEvent[] = [];
    let statusAtFirstEvent: string | undefined;
    for await (const event of client.streamEvents(runId)) {
      if (events.length === 0) statusAtFirstEvent = (await client.getRun(runId)).status;
      events.push(event);
    }

    expect(statusAtFirstEvent).toBe('running');
    expect(events.map((event) => event.sequence)).toEqual(events.map((_, index) => index + 1));
    expect(eventNames(events)).toBe(
      'workflow_started step_started step_completed workflow_completed',
    );
    expect(events.every((event) => event.run_id === runId)).toBe(true);
  });

  it('streamEvents of a finished run replays every event and ends; lastEventId resumes after it', async () => {
    const result = await client.executeWorkflow(diamond('replay'));
    const all = await collect(client.streamEvents(result.run_id));

    expect(all.at(-1)?.event).toBe('workflow_completed');
    expect(all.map((event) => event.sequence)).toEqual(all.map((_, index) => index + 1));
    const resumed = await collect(client.streamEvents(result.run_id, { lastEventId: '3' }));
    expect(resumed.map((event) => event.sequence)).toEqual(
      all.filter((event) => event.sequence > 3).map((event) => event.sequence),
    );
    expect(resumed).toEqual(all.slice(3));
  });

  it('cancel ends a run with a step in flight as cancelled; cancelling again is a 409', async () => {
    const { run_id: runId } = await client.executeAsync(slow(LONG_DELAY_MS));
    await pollFor(
      async () => ((await client.getRun(runId)).steps[0]?.status === 'running' ? true : undefined),
      'the slow step to start',
    );

    const record = await client.cancel(runId);
    expect(record.status).toBe('cancelled');
    expect(record.success).toBe(false);
    expect(record.steps[0]?.status).toBe('cancelled');
    expect((await client.getRun(runId)).status).toBe('cancelled');

    const again = await clientError(client.cancel(runId));
    expect([again.status, again.code]).toEqual([409, 'CONFLICT']);
    expect(again.message).toContain('cancelled');
  });

  it('a synchronous run cancelled while the client waits resolves with the cancelled result, and its stream ends with workflow_failed', async () => {
    const pending = client.executeWorkflow(slow(LONG_DELAY_MS, 'wf-sync-cancel'));
    const runId = await pollFor(async () => {
      const [run] = (await client.listRuns({ workflowId: 'wf-sync-cancel' })).runs;
      return run?.steps[0]?.status === 'running' ? run.run_id : undefined;
    }, 'the synchronous run to start its step');

    await client.cancel(runId);
    const result = await pending;
    expect(result).toMatchObject({ run_id: runId, status: 'cancelled', success: false });
    const events = await collect(client.streamEvents(runId));
    expect(eventNames(events)).toBe('workflow_started step_started step_aborted workflow_failed');
    expect(events.at(-1)?.data).toMatchObject({ status: 'cancelled' });
  });

  it('an invalid payload surfaces as INVALID_PAYLOAD with validationErrors and pointer issues', async () => {
    const payload = {
      workflow_id: 'wf-invalid',
      namespace: 'tests',
      STEPS_CONFIG: [
        echoStep(services.baseUrl, 'a1', { text: 'x' }),
        { ...echoStep(services.baseUrl, 'a1', { text: 'y' }), step_name: 'second' },
      ],
    } as unknown as WorkflowPayload;

    const error = await clientError(client.executeWorkflow(payload));
    expect([error.status, error.code]).toEqual([400, 'INVALID_PAYLOAD']);
    expect(error.validationErrors?.some((line) => line.startsWith('/STEPS_CONFIG/1/usid:'))).toBe(
      true,
    );
    expect(error.issues).toContainEqual(
      expect.objectContaining({ path: '/STEPS_CONFIG/1/usid', code: 'duplicate_usid' }),
    );

    const report = await client.validate(payload);
    expect(report.valid).toBe(false);
    if (!report.valid) expect(report.issues).toEqual(error.issues);
  });

  it('a service with ENGINE_API_TOKEN answers 401 without or with a wrong token and serves the right one', async () => {
    for (const token of [undefined, 'wrong-token']) {
      const stranger = new WorkflowEngineClient({
        baseUrl: guarded.url,
        timeoutMs: 5_000,
        ...(token === undefined ? {} : { token }),
      });
      const error = await clientError(stranger.executeWorkflow(diamond('locked')));
      expect([error.status, error.code]).toEqual([401, 'UNAUTHORIZED']);
    }

    const owner = new WorkflowEngineClient({
      baseUrl: guarded.url,
      token: TOKEN,
      timeoutMs: 5_000,
    });
    const result = await owner.executeWorkflow(diamond('unlocked'));
    expect(result.success).toBe(true);
    expect((await owner.getRun(result.run_id)).status).toBe('succeeded');
  });

  it('listRuns filters by workflow id, newest first, and names the allowed statuses of a bad filter', async () => {
    const first = await client.executeWorkflow(diamond('listed'));
    const second = await client.executeWorkflow(diamond('listed'));
    await client.executeWorkflow(diamond('unlisted'));

    const page = await client.listRuns({ workflowId: 'wf-listed' });
    expect(page.runs.map((run) => run.run_id)).toEqual([second.run_id, first.run_id]);
    expect(page.next_before).toBeUndefined();
    const firstPage = await client.listRuns({ workflowId: 'wf-listed', limit: 1 });
    expect(firstPage.runs.map((run) => run.run_id)).toEqual([second.run_id]);
    expect(firstPage.next_before).toBe(second.run_id);

    const badStatus = await clientError(client.listRuns({ status: 'done' as RunStatus }));
    expect([badStatus.status, badStatus.code]).toEqual([400, 'INVALID_REQUEST']);
    expect(badStatus.message).toContain(
      'querystring/status must be one of "running", "succeeded", "failed", "cancelled", "timed_out"',
    );
  });

  it('validate answers the plan levels of a valid payload', async () => {
    const report = await client.validate(diamond('plan'));
    expect(report).toEqual({ valid: true, plan: { levels: [['a'], ['b', 'c'], ['d']] } });
  });
});

interface BlocksFile {
  namespace: string;
  workflow_id: string;
  workflow_name: string;
  original_input: string;
  pipeline_settings: PipelineSettings;
  blocks: ObjSpaceBlock[];
}

describe('blocks round trip through the service', () => {
  it('payloads/blocks-analysis.json runs and its result block holds the final result and step history', async () => {
    const text = await readFile(
      new URL('../../payloads/blocks-analysis.json', import.meta.url),
      'utf8',
    );
    const file = JSON.parse(
      text.replaceAll(EXAMPLE_SERVICES_ORIGIN, services.baseUrl),
    ) as BlocksFile;
    const warnings: string[] = [];
    const payload = transformBlocksToPayload(file.namespace, file.workflow_id, file.blocks, {
      originalInput: file.original_input,
      pipelineSettings: file.pipeline_settings,
      onWarning: (message) => warnings.push(message),
    });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('note-1');

    const result = await client.executeWorkflow(payload);
    const block = createResultBlock(file.namespace, file.workflow_id, result);

    expect(block.blockId).toBe(`result-${result.run_id}`);
    expect(block.labels).toEqual({
      'workflow:analysis:result': 'workflow:analysis:result',
      run_id: result.run_id,
    });
    const data = block.content.data;
    expect(data).toMatchObject({
      run_id: result.run_id,
      workflow_id: 'wf-review-analysis',
      namespace: 'demo',
      status: 'succeeded',
      success: true,
      error: null,
    });
    expect(data.final_result).toMatchObject({ sentiment: 'positive', escalated: 'no' });
    expect(data.outputs).toHaveProperty('final_result', data.final_result);
    expect(stepStatuses(data.steps)).toBe(
      'blk-sentiment:completed blk-router:completed blk-praise:completed blk-escalate:aborted blk-summary:completed',
    );
    expect(data.counts).toMatchObject({ total_steps: 5, steps_completed: 4, steps_aborted: 1 });
  });
});
