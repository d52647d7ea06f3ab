/**
 * Runs a TypeScript file of the project in a separate Node process: bundled by esbuild (our
 * sources included, packages left external) into a temporary module.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Bundles `entry` (relative to the project root); `dispose` removes the bundle. */
export async function bundleScript(
  entry: string,
): Promise<{ path: string; dispose: () => Promise<void> }> {
  // Inside the project so that its node_modules resolve the external packages.
  const dir = await mkdtemp(join(ROOT, 'node_modules', '.child-script-'));
  const outfile = join(dir, 'script.mjs');
  await build({
    entryPoints: [join(ROOT, entry)],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outfile,
    logLevel: 'silent',
  });
  return { path: outfile, dispose: () => rm(dir, { recursive: true, force: true }) };
}

/** Starts `node <module>` with extra environment variables; output is collected in `output()`. */
export function startScript(
  module: string,
  env: Record<string, string>,
): { child: ChildProcessWithoutNullStreams; output: () => string } {
  const child = spawn(process.execPath, [module], {
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { child, output: () => text };
}
