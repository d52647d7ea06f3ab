/**
 * The blocks entry point must run in a Cloudflare Worker: bundled for a neutral platform it may
 * import no Node built-in, and it must work in a realm that has web globals only.
 */
import { build, transform, type BuildOptions, type Metafile, type Plugin } from 'esbuild';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { builtinModules } from 'node:module';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ENTRY = 'src/blocks/index.ts';
/** Modules outside src/blocks/ the bundle may contain: pure, without imports of their own. */
const ALLOWED_OUTSIDE = new Set(['src/core/errors.ts']);

const BUILTINS = new Set(builtinModules);

function isNodeBuiltin(specifier: string): boolean {
  return (
    specifier.startsWith('node:') ||
    BUILTINS.has(specifier) ||
    BUILTINS.has(specifier.split('/')[0] ?? '')
  );
}

/** Fails the build on any Node built-in, instead of leaving it as an external import. */
const rejectNodeBuiltins: Plugin = {
  name: 'reject-node-builtins',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /.*/ }, (args) =>
      isNodeBuiltin(args.path)
        ? { errors: [{ text: `Node built-in "${args.path}" imported by ${args.importer}` }] }
        : undefined,
    );
  },
};

const BUNDLE_OPTIONS: BuildOptions = {
  absWorkingDir: ROOT,
  bundle: true,
  write: false,
  format: 'esm',
  platform: 'neutral',
  mainFields: ['module', 'main'],
  metafile: true,
  logLevel: 'silent',
  plugins: [rejectNodeBuiltins],
};

async function bundle(
  source: Pick<BuildOptions, 'entryPoints' | 'stdin'>,
): Promise<{ code: string; metafile: Metafile }> {
  const result = await build({ ...BUNDLE_OPTIONS, ...source });
  const [output] = result.outputFiles ?? [];
  if (output === undefined || result.metafile === undefined) throw new Error('no bundle produced');
  return { code: output.text, metafile: result.metafile };
}

/** A realm with the web platform's globals and nothing of Node's. */
function webRealm(): vm.Context {
  return vm.createContext({
    fetch,
    Headers,
    Request,
    Response,
    URL,
    URLSearchParams,
    TextEncoder,
    TextDecoder,
    crypto,
    ReadableStream,
    AbortController,
    AbortSignal,
    Event,
    EventTarget,
    DOMException,
    console,
    structuredClone,
    queueMicrotask,
    setTimeout,
    clearTimeout,
  });
}

let code: string;
let metafile: Metafile;
let realm: vm.Context;
let server: Server;
let baseUrl: string;

beforeAll(async () => {
  ({ code, metafile } = await bundle({ entryPoints: [ENTRY] }));
  // The ESM bundle, rewritten to a script that leaves its exports on a global.
  const script = await transform(code, { format: 'iife', globalName: 'blocks', loader: 'js' });
  realm = webRealm();
  vm.runInContext(script.code, realm);

  server = createServer((req, res) => {
    if (req.url === '/api/execute') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ success: true, status: 'succeeded', run_id: 'r1', steps: [] }));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.end(
      'id: 1\ndata: {"event":"workflow_started","sequence":1}\n\n' +
        'id: 2\ndata: {"event":"workflow_completed","sequence":2}\n\n',
    );
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.close();
  await once(server, 'close');
});

describe('blocks bundle for Cloudflare Workers', () => {
  it('contains only src/blocks/ and pure allowed modules, and imports nothing', () => {
    const outside = Object.keys(metafile.inputs).filter(
      (path) => !path.startsWith('src/blocks/') && !ALLOWED_OUTSIDE.has(path),
    );
    expect(outside).toEqual([]);
    const imports = Object.values(metafile.inputs).flatMap((input) =>
      input.imports.filter((entry) => entry.external === true || isNodeBuiltin(entry.path)),
    );
    expect(imports).toEqual([]);
    for (const output of Object.values(metafile.outputs)) expect(output.imports).toEqual([]);
  });

  it('names no Node global', () => {
    expect(
      code.match(/\b(process|Buffer|require|__dirname|__filename|setImmediate)\b/g),
    ).toBeNull();
  });

  it('fails the build when a Node built-in is imported', async () => {
    const importing = (line: string) =>
      bundle({
        stdin: { contents: `${line}\nexport const x = 1;`, resolveDir: ROOT, loader: 'ts' },
      });
    await expect(importing("import 'node:fs';")).rejects.toThrow('Node built-in "node:fs"');
    await expect(importing("import { join } from 'path'; console.log(join);")).rejects.toThrow(
      'Node built-in "path"',
    );
  });

  it('runs in a realm without process, Buffer or require', () => {
    expect(vm.runInContext('[typeof process, typeof Buffer, typeof require].join()', realm)).toBe(
      'undefined,undefined,undefined',
    );
  });

  it('transforms blocks inside that realm', () => {
    const json = vm.runInContext(
      `JSON.stringify(blocks.transformBlocks('ns', 'wf', [
        { blockId: 'b2', title: 'Sentiment Analysis', labels: { 'workflow:analysis:1': '', depends_on: 'workflow:analysis:0' },
          content: { type: 'api_config', data: { service_url: 'https://api.example.com/s', body_template: { t: '{{x}}' } } } },
        { blockId: 'b1', title: 'Fetch', labels: { 'workflow:analysis:0': '' },
          content: { type: 'api_config', data: { service_url: 'https://api.example.com/f', method: 'get' } } },
        { blockId: 'n', title: 'Notes', labels: { 'workflow:analysis:2': '' }, content: { type: 'text' } },
      ]))`,
      realm,
    ) as string;
    const { payload, warnings } = JSON.parse(json);
    expect(payload.STEPS_CONFIG.map((step: { usid: string }) => step.usid)).toEqual(['b1', 'b2']);
    expect(payload.STEPS_CONFIG[1]).toEqual({
      step_name: 'sentiment_analysis',
      usid: 'b2',
      service_url: 'https://api.example.com/s',
      method: 'POST',
      dependencies: ['workflow:analysis:0'],
      outputs: ['sentiment_analysis_result'],
      input_prep_config: { type: 'json', mapping: { t: '{{x}}' } },
      labels: ['workflow:analysis:1'],
    });
    expect(warnings).toHaveLength(1);
  });

  it('raises BlockTransformError inside that realm', () => {
    const caught = vm.runInContext(
      `(() => { try {
        blocks.transformBlocksToPayload('ns', 'wf', [{ blockId: 'b-7', title: 'Summarize',
          labels: { 'workflow:a:0': '' }, content: { type: 'api_config', data: {} } }]);
      } catch (error) { return [error instanceof blocks.BlockTransformError, error.code, error.message].join('|'); } })()`,
      realm,
    ) as string;
    expect(caught).toBe(
      'true|INVALID_PAYLOAD|block "b-7" (Summarize): content.data.service_url is required',
    );
  });

  it('calls the service and reads its event stream inside that realm', async () => {
    const run = vm.runInContext(
      `(async (baseUrl) => {
        const client = new blocks.WorkflowEngineClient({ baseUrl, timeoutMs: 5000 });
        const result = await client.executeWorkflow({ STEPS_CONFIG: [] });
        const events = [];
        for await (const event of client.streamEvents('r1')) events.push(event.event);
        return JSON.stringify({ runId: result.run_id, events });
      })`,
      realm,
    ) as (url: string) => Promise<string>;
    expect(JSON.parse(await run(baseUrl))).toEqual({
      runId: 'r1',
      events: ['workflow_started', 'workflow_completed'],
    });
  });
});
