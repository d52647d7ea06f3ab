/**
 * The benchmark's tiny mode runs end to end: bundled as `npm run bench` bundles it, with its
 * helper processes, every system, the scale checks and the throughput run. Nothing is timed
 * here; the test only checks that the report comes out whole.
 */
import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
// One level below the root, as the real bundle: the engine reads ../package.json for its version.
const bundle = `${root}.bench-out/bench-smoke-${process.pid}.mjs`;

afterAll(async () => {
  await rm(bundle, { force: true });
});

describe('the benchmark', () => {
  it('runs its tiny mode and prints the table, the scale checks and the throughput lines', async () => {
    await build({
      entryPoints: [`${root}bench/main.ts`],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      outfile: bundle,
      logLevel: 'warning',
    });
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [bundle, '--tiny', '--pin=none'],
      {
        cwd: root,
        timeout: 25_000,
        maxBuffer: 4 * 1024 * 1024,
      },
    );
    expect(stdout).toContain('## Benchmark (tiny)');
    expect(stdout).toMatch(/^\| case \| floor ms \| engine ms \| api-memory ms \|/m);
    for (const label of [
      'chain 20 × 0 ms',
      'wide 20 × 0 ms',
      'fanout 4 × 5 ms',
      'layers 3×3 × 2 ms',
      'chain 3 × 2 ms',
    ]) {
      expect(stdout).toMatch(new RegExp(`^\\| ${label} \\| \\d`, 'm'));
    }
    expect(stdout).toContain('Validation + planning (`resolveWorkflow`) of 500 steps');
    expect(stdout).toMatch(/20 concurrent runs of 10 steps in one process: 20\/20 correct/);
    expect(stdout).toMatch(/API throughput, 3-step workflow, .*runs\/s, p50 /);
    expect(stdout).not.toContain('errors**');
  }, 30_000);
});
