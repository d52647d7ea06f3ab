import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeWorkflow } from '../../src/app/execute-workflow.js';
import {
  EXAMPLE_SERVICES_ORIGIN,
  startExampleServices,
  type ExampleServices,
} from '../../src/examples/index.js';
import { DEMO_PAYLOADS } from '../../src/cli/commands/demo.js';
import { transformBlocks, type ObjSpaceBlock } from '../../src/blocks/index.js';

let services: ExampleServices;
beforeAll(async () => {
  services = await startExampleServices({ port: 0 });
});
afterAll(() => services.close());

async function load(file: string): Promise<unknown> {
  const text = await readFile(new URL(`../../payloads/${file}`, import.meta.url), 'utf8');
  return JSON.parse(text.split(EXAMPLE_SERVICES_ORIGIN).join(services.baseUrl));
}

describe('bundled example payloads run against the example services', () => {
  it('example.json gives the original outputs', async () => {
    const result = await executeWorkflow(await load('example.json'));
    expect(result.success).toBe(true);
    expect(result.all_outputs).toMatchObject({
      original_input: 'Input data',
      result_1: { text: 'Input data' },
    });
  });

  it.each(
    DEMO_PAYLOADS.filter(
      (file) => file !== 'retry-and-timeout.json' && file !== 'blocks-analysis.json',
    ),
  )('%s succeeds', async (file) => {
    const result = await executeWorkflow(await load(file));
    expect(result.error).toBeUndefined();
    expect(result.success).toBe(true);
  });

  it('conditional-branch.json takes the positive branch and joins', async () => {
    const result = await executeWorkflow(await load('conditional-branch.json'));
    const byName = Object.fromEntries(result.steps.map((entry) => [entry.step_name, entry.status]));
    expect(byName).toEqual({
      route_by_sentiment: 'completed',
      thank_customer: 'completed',
      escalate_complaint: 'aborted',
      record_outcome: 'completed',
    });
  });

  it('retry-and-timeout.json retries to success and times out one step, as documented', async () => {
    const result = await executeWorkflow(await load('retry-and-timeout.json'));
    expect(result.success).toBe(false);
    const byName = Object.fromEntries(result.steps.map((entry) => [entry.step_name, entry]));
    expect(byName.reserve_inventory).toMatchObject({ status: 'completed', attempts: 3 });
    expect(byName.check_payment_quota).toMatchObject({ status: 'completed', attempts: 2 });
    expect(byName.fetch_price_quote?.status).toBe('failed');
    expect(byName.fetch_price_quote?.error).toMatch(/timed out after 0\.3 s/);
    expect(byName.confirm_order?.status).toBe('completed');
  });

  it('blocks-analysis.json: blocks become a payload that takes the positive branch', async () => {
    const file = (await load('blocks-analysis.json')) as {
      blocks: ObjSpaceBlock[];
      original_input: string;
      pipeline_settings: Record<string, unknown>;
    };
    const { payload, warnings } = transformBlocks('demo', 'wf-review-analysis', file.blocks, {
      originalInput: file.original_input,
      pipelineSettings: file.pipeline_settings,
    });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('note-1');
    const result = await executeWorkflow(payload);
    expect(result.error).toBeUndefined();
    const byUsid = Object.fromEntries(result.steps.map((entry) => [entry.usid, entry.status]));
    expect(byUsid).toEqual({
      'blk-sentiment': 'completed',
      'blk-router': 'completed',
      'blk-praise': 'completed',
      'blk-escalate': 'aborted',
      'blk-summary': 'completed',
    });
    expect(result.final_result).toMatchObject({ sentiment: 'positive', escalated: 'no' });
  });
});
