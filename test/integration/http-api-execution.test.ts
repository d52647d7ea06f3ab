/**
 * Running workflows through the service on a real socket: sync and async answers, the event
 * stream against the webhooks, resuming a stream, webhook filters and budgets, concurrency.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowEvent } from '../../src/core/run/index.js';
import { startExampleServices, type ExampleServices } from '../../src/examples/index.js';
import type { RunningServer } from '../../src/server.js';
import {
  diamondPayload,
  echoStep,
  getJson,
  pollFor,
  postJson,
  readEventStream,
  startTestService,
} from '../helpers/http-harness.js';
import {
  closedLoopbackUrl,
  startWebhookReceiver,
  type WebhookReceiver,
} from '../helpers/webhook-receiver.js';

const FLUSH_BUDGET_MS = 300;

let services: ExampleServices;
let receiver: WebhookReceiver;
let hangingReceiver: WebhookReceiver;
let service: RunningServer;

beforeAll(async () => {
  services = await startExampleServices({ port: 0 });
  receiver = await startWebhookReceiver();
  hangingReceiver = await startWebhookReceiver(() => 'hang');
  service = await startTestService({ WFE_WEBHOOK_FLUSH_BUDGET_MS: String(FLUSH_BUDGET_MS) });
});

afterAll(async () => {
  await service.shutdown();
  await Promise.all([receiver.close(), hangingReceiver.close(), services.close()]);
});

/** The events the receiver got on `path`, parsed, in arrival order. */
function webhookEvents(path: string): WorkflowEvent[] {
  return receiver.received
    .filter((request) => request.path === path)
    .map((request) => JSON.parse(request.body) as WorkflowEvent);
}

async function waitForTerminalWebhook(path: string): Promise<void> {
  await receiver.waitFor(() =>
    webhookEvents(path).some(
      (event) => event.event === 'workflow_completed' || event.event === 'workflow_failed',
    ),
  );
}

/** a -> b -> c, each waiting `delayMs` at /slow: a run that lasts long enough to join mid-way. */
function chainPayload(delayMs: number, webhookPath: string): Record<string, unknown> {
  const slow = (usid: string, dependencies: string[]) => ({
    step_name: `wait_${usid}`,
    usid,
    service_url: `${services.baseUrl}/slow?delay=${delayMs}`,
    method: 'GET',
    outputs: [`waited_${usid}`],
    dependencies,
  });
  return {
    workflow_id: 'wf-chain',
    namespace: 'tests',
    STEPS_CONFIG: [slow('s1', []), slow('s2', ['waited_s1']), slow('s3', ['waited_s2'])],
    PIPELINE_SETTINGS: { notifications: { webhook_url: `${receiver.origin}${webhookPath}` } },
  };
}

function comparable(result: Record<string, unknown>) {
  const steps = (
    result.steps as { usid: string; status: string; outputs: unknown; attempts: number }[]
  ).map(({ usid, status, outputs, attempts }) => ({ usid, status, outputs, attempts }));
  return {
    success: result.success,
    status: result.status,
    final_result: result.final_result,
    all_outputs: result.all_outputs,
    steps,
  };
}

async function finishedRecord(statusUrl: string): Promise<Record<string, unknown>> {
  return pollFor(async () => {
    const { body } = await getJson(statusUrl);
    return body.status === 'running' ? undefined : body;
  }, 'run finished');
}

describe('sync and async execution', () => {
  it('give the same outputs, step statuses and final result', async () => {
    const sync = await postJson(
      `${service.url}/api/execute`,
      diamondPayload(services.baseUrl, 'same'),
    );
    expect(sync.status).toBe(200);
    for (const [url, headers] of [
      [`${service.url}/api/execute?async=true`, {}],
      [`${service.url}/execute`, { prefer: 'respond-async' }],
    ] as const) {
      const accepted = await postJson(url, diamondPayload(services.baseUrl, 'same'), headers);
      expect(accepted.status).toBe(202);
      expect(accepted.body.status_url).toBe(
        `${service.url}/api/runs/${String(accepted.body.run_id)}`,
      );
      const record = await finishedRecord(accepted.body.status_url as string);
      expect(comparable(record)).toEqual(comparable(sync.body));
      expect(record.run_id).not.toBe(sync.body.run_id);
    }
    expect(comparable(sync.body).final_result).toEqual({ joined: 'same|same!|same?' });
  });
});

describe('GET /api/runs/:run_id/events', () => {
  it('replays exactly the events the webhook receiver got, in order, then ends', async () => {
    const payload = diamondPayload(services.baseUrl, 'sse', {
      notifications: { webhook_url: `${receiver.origin}/replay` },
    });
    const result = await postJson(`${service.url}/api/execute`, payload);
    await waitForTerminalWebhook('/replay');
    const stream = await readEventStream(
      `${service.url}/api/runs/${String(result.body.run_id)}/events`,
    );
    expect(stream.status).toBe(200);
    expect(stream.contentType).toBe('text/event-stream; charset=utf-8');
    expect(stream.ended).toBe(true);
    expect(stream.events).toEqual(webhookEvents('/replay'));
    expect(stream.events.map((event) => event.sequence)).toEqual(
      stream.events.map((_, index) => index + 1),
    );
    expect(stream.ids).toEqual(stream.events.map((event) => String(event.sequence)));
    expect(stream.names).toEqual(stream.events.map((event) => event.event));
    expect(stream.names.at(0)).toBe('workflow_started');
    expect(stream.names.at(-1)).toBe('workflow_completed');
  });

  it('streams a running run live to the end, matching the webhooks', async () => {
    const accepted = await postJson(
      `${service.url}/api/execute?async=1`,
      chainPayload(60, '/live'),
    );
    const stream = await readEventStream(accepted.body.events_url as string);
    expect(stream.ended).toBe(true);
    expect(stream.names.at(-1)).toBe('workflow_completed');
    await waitForTerminalWebhook('/live');
    expect(stream.events).toEqual(webhookEvents('/live'));
  });

  it('resumes after Last-Event-ID (or ?after=) without gaps or repeats', async () => {
    const accepted = await postJson(
      `${service.url}/api/execute?async=true`,
      chainPayload(80, '/resume'),
    );
    const eventsUrl = accepted.body.events_url as string;
    const first = await readEventStream(eventsUrl, { stopAfter: 2 });
    expect(first.ended).toBe(false);
    const lastId = first.ids.at(-1) ?? '';
    expect(lastId).toBe('2');
    const rest = await readEventStream(eventsUrl, { headers: { 'last-event-id': lastId } });
    expect(rest.ended).toBe(true);
    const full = await readEventStream(eventsUrl);
    expect([...first.events.slice(0, 2), ...rest.events]).toEqual(full.events);
    expect(rest.events[0]?.sequence).toBe(3);

    const fromQuery = await readEventStream(`${eventsUrl}?after=4`);
    expect(fromQuery.events).toEqual(full.events.slice(4));
    const headerWins = await readEventStream(`${eventsUrl}?after=1`, {
      headers: { 'last-event-id': '5' },
    });
    expect(headerWins.events).toEqual(full.events.slice(5));
  });
});

describe('webhooks', () => {
  it('send only the events the payload asks for', async () => {
    const payload = diamondPayload(services.baseUrl, 'filter', {
      notifications: {
        webhook_url: `${receiver.origin}/filtered`,
        events: ['workflow_started', 'step_completed', 'workflow_completed'],
      },
    });
    const result = await postJson(`${service.url}/api/execute`, payload);
    await waitForTerminalWebhook('/filtered');
    const sent = webhookEvents('/filtered');
    expect(sent.map((event) => event.event)).toEqual([
      'workflow_started',
      'step_completed',
      'step_completed',
      'step_completed',
      'step_completed',
      'workflow_completed',
    ]);
    // The stream is not filtered: it has every event, the webhooks a subsequence of it.
    const stream = await readEventStream(
      `${service.url}/api/runs/${String(result.body.run_id)}/events`,
    );
    expect(
      stream.events.filter((event) =>
        ['workflow_started', 'step_completed', 'workflow_completed'].includes(event.event),
      ),
    ).toEqual(sent);
    expect(stream.events.length).toBeGreaterThan(sent.length);
  });

  it('that cannot be delivered delay the synchronous answer by at most the flush budget', async () => {
    const timed = async (webhookUrl: string | null): Promise<number> => {
      const settings = webhookUrl === null ? {} : { notifications: { webhook_url: webhookUrl } };
      const started = performance.now();
      const answer = await postJson(
        `${service.url}/api/execute`,
        diamondPayload(services.baseUrl, 'budget', settings),
      );
      expect(answer.body.success).toBe(true);
      return performance.now() - started;
    };
    await timed(null);
    const baseline = Math.max(await timed(null), await timed(null));
    const refused = await timed(await closedLoopbackUrl());
    const hanging = await timed(`${hangingReceiver.origin}/hook`);
    expect(refused).toBeLessThan(baseline + FLUSH_BUDGET_MS + 250);
    expect(hanging).toBeLessThan(baseline + FLUSH_BUDGET_MS + 250);
    // The hanging receiver never answers, so the answer did wait for the budget.
    expect(hanging).toBeGreaterThanOrEqual(FLUSH_BUDGET_MS - 5);
  });
});

describe('concurrency', () => {
  it('completes 50 concurrent runs with correct, unmixed outputs', async () => {
    const tags = Array.from({ length: 50 }, (_, index) => `run${index}`);
    const answers = await Promise.all(
      tags.map((tag) =>
        postJson(`${service.url}/api/execute`, diamondPayload(services.baseUrl, tag)),
      ),
    );
    const runIds = new Set<unknown>();
    answers.forEach((answer, index) => {
      const tag = tags[index] ?? '';
      expect(answer.status).toBe(200);
      expect(answer.body.success).toBe(true);
      expect(answer.body.final_result).toEqual({ joined: `${tag}|${tag}!|${tag}?` });
      expect(answer.body.all_outputs).toMatchObject({
        out_a: { text: tag },
        out_b: { text: `${tag}!` },
        out_c: { text: `${tag}?` },
      });
      runIds.add(answer.body.run_id);
    });
    expect(runIds.size).toBe(50);
  });

  it('keeps the per-run key of each step request apart under load', async () => {
    const payload = (tag: string) => ({
      workflow_id: `wf-${tag}`,
      STEPS_CONFIG: [echoStep(services.baseUrl, 'k', { run: '{{run.id}}', tag })],
    });
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        postJson(`${service.url}/api/execute`, payload(`t${index}`)),
      ),
    );
    for (const [index, answer] of answers.entries()) {
      expect(answer.body.all_outputs).toMatchObject({
        out_k: { run: answer.body.run_id, tag: `t${index}` },
      });
    }
  });
});

describe('refused requests on a real socket', () => {
  it('answer 413 to a body over 5 MiB, 415 and 400, and the server keeps serving', async () => {
    const oversized = await fetch(`${service.url}/api/execute`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `{"pad":"${'x'.repeat(6 * 1024 * 1024)}"}`,
    });
    expect(oversized.status).toBe(413);
    expect(await oversized.json()).toMatchObject({ success: false, code: 'PAYLOAD_TOO_LARGE' });
    const wrongType = await fetch(`${service.url}/execute`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'hi',
    });
    expect(wrongType.status).toBe(415);
    const malformed = await fetch(`${service.url}/api/execute`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"a":',
    });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({
      code: 'MALFORMED_JSON',
      details: { position: 5 },
    });
    const after = await postJson(
      `${service.url}/api/execute`,
      diamondPayload(services.baseUrl, 'after'),
    );
    expect(after.body.final_result).toEqual({ joined: 'after|after!|after?' });
  });
});
