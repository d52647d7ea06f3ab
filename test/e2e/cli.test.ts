/**
 * The `workflow-engine` binary as users run it: the built dist/cli/main.js in its own process
 * (`npm test` builds first), against the example services on a free loopback port.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EXAMPLE_SERVICES_ORIGIN,
  startExampleServices,
  type ExampleServices,
} from '../../src/examples/index.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'dist/cli/main.js');

let services: ExampleServices;
let dir: string;

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(args: string[]): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: ROOT, timeout: 30_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** A bundled payload, pointed at this test's example services, written to a temp file. */
async function localPayload(name: string): Promise<string> {
  const text = await readFile(join(ROOT, 'payloads', name), 'utf8');
  const path = join(dir, name);
  await writeFile(path, text.split(EXAMPLE_SERVICES_ORIGIN).join(services.baseUrl));
  return path;
}

beforeAll(async () => {
  if (!existsSync(BIN))
    throw new Error(`${BIN} is missing: run "npm run build" first (npm test does)`);
  services = await startExampleServices({ port: 0 });
  dir = await mkdtemp(join(tmpdir(), 'wfe-cli-'));
});
afterAll(async () => {
  await services.close();
  await rm(dir, { recursive: true, force: true });
});

describe('workflow-engine run', () => {
  it('prints progress on stderr and the result JSON on stdout, exit 0', async () => {
    const { code, stdout, stderr } = await cli([
      'run',
      await localPayload('sequential-steps.json'),
    ]);
    expect(code).toBe(0);
    const result = JSON.parse(stdout) as { success: boolean; steps: unknown[] };
    expect(result.success).toBe(true);
    expect(result.steps).toHaveLength(3);
    expect(stderr).toMatch(/✓ extract_profile completed in \d+ ms \(1 attempt\)/);
    expect(stderr).toContain('workflow completed');
  });

  it('exits 1 when the run fails', async () => {
    const { code, stdout } = await cli([
      'run',
      '--quiet',
      await localPayload('retry-and-timeout.json'),
    ]);
    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toMatchObject({ success: false, status: 'failed' });
  });

  it('exits 2 with every problem of an invalid payload', async () => {
    const path = join(dir, 'invalid.json');
    await writeFile(
      path,
      JSON.stringify({
        STEPS_CONFIG: [
          {
            step_name: 'a',
            usid: 'a',
            service_url: 'http://127.0.0.1:1/x',
            outputs: ['o'],
            dependencies: ['o'],
          },
        ],
      }),
    );
    const { code, stdout, stderr } = await cli(['run', path]);
    expect(code).toBe(2);
    expect(JSON.parse(stdout)).toMatchObject({ success: false, code: 'INVALID_PAYLOAD' });
    expect(stderr).toContain('/STEPS_CONFIG/0/dependencies/0');
    expect(stderr).toContain('a -> a');
  });

  it('exits 2 with one clear line for a missing file or bad JSON', async () => {
    const missing = await cli(['run', join(dir, 'nope.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^workflow-engine: cannot read .*nope\.json/);
    const path = join(dir, 'broken.json');
    await writeFile(path, '{"STEPS_CONFIG": [');
    const broken = await cli(['run', path]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain('is not valid JSON');
    expect(broken.stderr).not.toContain('    at ');
  });
});

describe('workflow-engine validate and graph', () => {
  it('prints the plan as levels', async () => {
    const { code, stdout } = await cli([
      'validate',
      join(ROOT, 'payloads/conditional-branch.json'),
    ]);
    expect(code).toBe(0);
    expect(stdout).toContain('valid: 4 steps in 3 levels');
    expect(stdout).toContain('level 1: route_by_sentiment (c0de0001)');
    const json = await cli(['validate', '--json', join(ROOT, 'payloads/conditional-branch.json')]);
    expect(JSON.parse(json.stdout)).toEqual({
      valid: true,
      plan: { levels: [['c0de0001'], ['c0de0002', 'c0de0003'], ['c0de0004']] },
    });
  });

  it('draws Mermaid by default and DOT on request', async () => {
    const mermaid = await cli(['graph', join(ROOT, 'payloads/parallel-dag.json')]);
    expect(mermaid.code).toBe(0);
    expect(mermaid.stdout).toMatch(/^(flowchart|graph) /);
    const dot = await cli(['graph', '--format', 'dot', join(ROOT, 'payloads/parallel-dag.json')]);
    expect(dot.stdout).toMatch(/^digraph /);
    const bad = await cli(['graph', '--format', 'png', join(ROOT, 'payloads/parallel-dag.json')]);
    expect(bad.code).toBe(2);
  });
});

describe('workflow-engine transform and run --blocks', () => {
  it('turns blocks into a payload, warning about the blocks left out', async () => {
    const { code, stdout, stderr } = await cli([
      'transform',
      join(ROOT, 'payloads/blocks-analysis.json'),
    ]);
    expect(code).toBe(0);
    const payload = JSON.parse(stdout) as { STEPS_CONFIG: { usid: string }[]; namespace: string };
    expect(payload.namespace).toBe('demo');
    expect(payload.STEPS_CONFIG.map((step) => step.usid)).toEqual([
      'blk-sentiment',
      'blk-router',
      'blk-praise',
      'blk-escalate',
      'blk-summary',
    ]);
    expect(stderr).toContain('note-1');
  });

  it('runs a blocks file directly', async () => {
    const { code, stdout } = await cli([
      'run',
      '--blocks',
      '--quiet',
      await localPayload('blocks-analysis.json'),
    ]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ success: true, workflow_id: 'wf-review-analysis' });
  });
});

describe('workflow-engine demo', () => {
  it('runs every example payload against its own example services', async () => {
    const { code, stdout, stderr } = await cli(['demo', '--port', '0']);
    expect(code).toBe(0);
    expect(stderr).toContain('example services on http://127.0.0.1:');
    const summaries = stdout
      .trim()
      .split(/\n(?=\{)/)
      .map((text) => JSON.parse(text) as { file: string; success: boolean });
    expect(summaries.map((summary) => [summary.file, summary.success])).toEqual([
      ['example.json', true],
      ['sequential-steps.json', true],
      ['parallel-dag.json', true],
      ['conditional-branch.json', true],
      ['llm-chain.json', true],
      ['blocks-analysis.json', true],
      ['retry-and-timeout.json', false],
    ]);
  });
});
