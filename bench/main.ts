/**
 * The benchmark: the engine against the raw undici floor on standard workflow shapes, plus
 * planning time, memory under 1,000 concurrent runs and API throughput. Prints Markdown on
 * stdout (progress on stderr). Bundled by esbuild and run with `npm run bench` (see RESULTS.md).
 *
 * Flags: `--quick` (about a minute), `--tiny` (seconds; for the smoke test), `--only=<case id
 * prefix>[,...]`, `--systems=floor,engine,api-memory,api-redis`, `--runs=N`, `--warmups=N`,
 * `--concurrency=N`, `--no-extras`, `--pin=same|none`, `--out=<file>`,
 * `--summarize-profile=<file.cpuprofile>`.
 */
import { writeFileSync } from 'node:fs';
import { answerParent, roleOf, startChild, type Role } from './child.js';
import { canPin, HELPER_CPUS, MEASURED_CPUS, pinProcess, type Pinning } from './cpu-pinning.js';
import { generateLoad, measureThroughput, type LoadInput, type ThroughputResult } from './load.js';
import { summarizeProfile } from './profile-summary.js';
import { renderReport } from './report.js';
import { runCase, type CaseResult } from './run-cases.js';
import { measureConcurrentRuns, measurePlanning, type RssInput, type RssResult } from './scale.js';
import { chainShape, fanoutShape, layersShape, wideShape, type Shape } from './shapes.js';
import { startTargetService } from './target-service.js';
import {
  SYSTEM_NAMES,
  apiSystem,
  engineSystem,
  floorSystem,
  redisAnswers,
  type BenchSystem,
  type SystemName,
} from './systems.js';

type Mode = 'full' | 'quick' | 'tiny';

interface ModeSettings {
  cases: () => Shape[];
  warmups: number;
  runs: number;
  planningSteps: number;
  planningRuns: number;
  rss: Omit<RssInput, 'origin'>;
  load: Omit<LoadInput, 'mode' | 'url' | 'origin'>;
}

const standardCases = (): Shape[] => [
  chainShape(2000, 0),
  wideShape(1000, 0),
  fanoutShape(50, 50),
  layersShape(10, 20, 10),
  chainShape(20, 20),
];

const MODES: Record<Mode, ModeSettings> = {
  full: {
    cases: standardCases,
    warmups: 2,
    runs: 9,
    planningSteps: 10_000,
    planningRuns: 15,
    rss: { runs: 1_000, width: 8, delayMs: 10 },
    load: { steps: 3, concurrency: 32, warmupMs: 2_000, durationMs: 10_000 },
  },
  quick: {
    cases: standardCases,
    warmups: 1,
    runs: 5,
    planningSteps: 10_000,
    planningRuns: 7,
    rss: { runs: 1_000, width: 8, delayMs: 10 },
    load: { steps: 3, concurrency: 32, warmupMs: 1_000, durationMs: 4_000 },
  },
  tiny: {
    cases: () => [
      chainShape(20, 0),
      wideShape(20, 0),
      fanoutShape(4, 5),
      layersShape(3, 3, 2),
      chainShape(3, 2),
    ],
    warmups: 1,
    runs: 2,
    planningSteps: 500,
    planningRuns: 2,
    rss: { runs: 20, width: 8, delayMs: 1 },
    load: { steps: 3, concurrency: 4, warmupMs: 100, durationMs: 400 },
  },
};

interface Options {
  mode: Mode;
  settings: ModeSettings;
  only: string[] | null;
  systems: SystemName[];
  extras: boolean;
  pin: Pinning;
  out: string | null;
  profile: string | null;
  args: string[];
}

function parseOptions(args: string[]): Options {
  const value = (name: string): string | undefined =>
    args.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
  const count = (name: string, fallback: number): number => {
    const given = value(name);
    const parsed = given === undefined ? fallback : Number.parseInt(given, 10);
    if (!Number.isSafeInteger(parsed) || parsed < 0)
      throw new Error(`--${name} must be a whole number, got ${String(given)}`);
    return parsed;
  };
  const pin = value('pin') ?? 'same';
  if (pin !== 'same' && pin !== 'none') throw new Error(`--pin must be same or none, got ${pin}`);
  const mode: Mode = args.includes('--tiny') ? 'tiny' : args.includes('--quick') ? 'quick' : 'full';
  const base = MODES[mode];
  const systems = (value('systems')?.split(',') ?? [...SYSTEM_NAMES]) as SystemName[];
  for (const name of systems)
    if (!SYSTEM_NAMES.includes(name)) throw new Error(`--systems: unknown system ${name}`);
  const settings: ModeSettings = {
    ...base,
    warmups: count('warmups', base.warmups),
    runs: Math.max(1, count('runs', base.runs)),
    load: { ...base.load, concurrency: Math.max(1, count('concurrency', base.load.concurrency)) },
  };
  return {
    mode,
    settings,
    only: value('only')?.split(',') ?? null,
    systems,
    extras: !args.includes('--no-extras'),
    pin,
    out: value('out') ?? null,
    profile: value('summarize-profile') ?? null,
    args,
  };
}

async function runBench(options: Options): Promise<string> {
  const { settings } = options;
  const notes: string[] = [];
  const log = (text: string): void => void process.stderr.write(`bench: ${text}\n`);
  const placement = placeProcesses(options.pin, notes);
  const target = await startChild<{ origin: string }>('target');
  const { origin } = target.answer;
  const cases: CaseResult[] = [];
  let planning = null;
  let rss: RssResult | null = null;
  let throughput: ThroughputResult | null = null;
  try {
    if (options.extras) {
      log(`planning ${settings.planningSteps} steps`);
      planning = measurePlanning(settings.planningSteps, settings.planningRuns);
    }
    const systems = await buildSystems(options.systems, origin, notes);
    try {
      const shapes = settings
        .cases()
        .filter((shape) => options.only?.some((id) => shape.id.startsWith(id)) ?? true);
      for (const shape of shapes) {
        log(`case ${shape.label}`);
        cases.push(await runCase(shape, systems, settings));
      }
    } finally {
      for (const system of systems) await system.close();
    }
    if (options.extras) {
      log(`${settings.rss.runs} concurrent runs`);
      const child = await startChild<RssResult>('rss', { ...settings.rss, origin });
      await child.stop();
      rss = child.answer;
      log('API throughput');
      throughput = await measureThroughput(origin, settings.load, placement.helperCpus);
    }
  } finally {
    await target.stop();
  }
  const command = `npm run bench${options.args.length > 0 ? ` -- ${options.args.join(' ')}` : ''}`;
  return renderReport({
    mode: options.mode,
    command,
    placement: placement.description,
    repetitions: { warmups: settings.warmups, runs: settings.runs },
    cases,
    planning,
    rss,
    throughput,
    notes,
  });
}

/** Pins this process (and so the children it forks) as `pin` asks, when the machine allows. */
function placeProcesses(
  pin: Pinning,
  notes: string[],
): { description: string; helperCpus: string | null } {
  const unpinned = {
    description: 'not pinned: the scheduler places every process',
    helperCpus: null,
  };
  if (pin === 'none') return unpinned;
  if (!canPin() || !pinProcess(process.pid, MEASURED_CPUS, true)) {
    notes.push('--pin=same needs Linux, taskset and two cores; ran unpinned.');
    return unpinned;
  }
  return {
    description: `main threads of the bench, the target service and the memory probe on CPU ${MEASURED_CPUS} (their V8 helper threads and Redis where the scheduler puts them); load generator on CPU ${HELPER_CPUS}`,
    helperCpus: HELPER_CPUS,
  };
}

async function buildSystems(
  names: readonly SystemName[],
  origin: string,
  notes: string[],
): Promise<BenchSystem[]> {
  const systems: BenchSystem[] = [];
  for (const name of names) {
    if (name === 'floor') systems.push(floorSystem(origin));
    else if (name === 'engine') systems.push(engineSystem(origin));
    else if (name === 'api-memory') systems.push(await apiSystem('memory', origin));
    else if (await redisAnswers()) systems.push(await apiSystem('redis', origin));
    else
      notes.push(
        'api-redis skipped: Redis did not answer at REDIS_URL (default redis://127.0.0.1:6379).',
      );
  }
  return systems;
}

async function runRole(role: Role, input: unknown): Promise<void> {
  if (role === 'target') {
    const service = await startTargetService();
    process.once('disconnect', () => void service.close().then(() => process.exit(0)));
    await answerParent({ origin: service.origin });
    return;
  }
  const answer =
    role === 'rss'
      ? await measureConcurrentRuns(input as RssInput)
      : await generateLoad(input as LoadInput);
  await answerParent(answer);
  process.disconnect();
}

async function main(): Promise<void> {
  const role = roleOf(process.argv);
  if (role !== null) {
    try {
      await runRole(role.role, role.input);
    } catch (error) {
      await answerParent({
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      });
      process.exit(1);
    }
    return;
  }
  const options = parseOptions(process.argv.slice(2));
  if (options.profile !== null) {
    process.stdout.write(summarizeProfile(options.profile));
    return;
  }
  const report = await runBench(options);
  process.stdout.write(report);
  if (options.out !== null) writeFileSync(options.out, report);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
