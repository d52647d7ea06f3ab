/** Turns the bench's measurements into the Markdown it prints: machine, table, extras, targets. */
import { cpus } from 'node:os';
import type { LoadResult, ThroughputResult } from './load.js';
import type { CaseResult } from './run-cases.js';
import type { PlanningResult, RssResult } from './scale.js';
import { formatMs, formatSummary } from './stats.js';
import { SYSTEM_NAMES, type SystemName } from './systems.js';

/** Everything one bench run measured. */
export interface BenchReport {
  readonly mode: string;
  readonly command: string;
  /** Which CPUs the processes ran on. */
  readonly placement: string;
  readonly repetitions: { warmups: number; runs: number };
  readonly cases: readonly CaseResult[];
  readonly planning: PlanningResult | null;
  readonly rss: RssResult | null;
  readonly throughput: ThroughputResult | null;
  /** Systems or parts left out, and why. */
  readonly notes: readonly string[];
}

/** One target of the issue and whether this run met it. */
interface TargetCheck {
  readonly what: string;
  readonly limit: string;
  readonly measured: string;
  readonly met: boolean;
}

/** The engine/floor ratio each standard case must stay under. */
const RATIO_TARGETS: readonly [string, number][] = [
  ['chain-2000x0ms', 1.25],
  ['wide-1000x0ms', 1.25],
  ['fanout-50x50ms', 1.1],
  ['layers-10x20x10ms', 1.15],
];

/** The machine, in one line; the CPU count is the machine's, whatever this process is pinned to. */
export function describeMachine(): string {
  const all = cpus();
  const model = all[0]?.model.trim() ?? 'unknown CPU';
  return `nproc ${all.length}, ${model}, Node ${process.version}, ${process.platform}/${process.arch}`;
}

/** The whole report as Markdown. */
export function renderReport(report: BenchReport): string {
  const lines: string[] = [
    `## Benchmark (${report.mode})`,
    '',
    `- Machine: ${describeMachine()}`,
    `- Command: \`${report.command}\``,
    `- Placement: ${report.placement}`,
    `- Each case: ${report.repetitions.warmups} warm-up and ${report.repetitions.runs} timed runs per system, systems interleaved; median (min–max) wall time of one run in ms.`,
    '',
    ...caseTable(report.cases),
    '',
    ...extras(report),
  ];
  const targets = checkTargets(report);
  if (targets.length > 0) {
    lines.push(
      '',
      '### Targets',
      '',
      '| target | limit | measured | met |',
      '| --- | --- | --- | --- |',
    );
    for (const t of targets)
      lines.push(`| ${t.what} | ${t.limit} | ${t.measured} | ${t.met ? 'yes' : '**no**'} |`);
  }
  if (report.notes.length > 0) lines.push('', ...report.notes.map((note) => `- Note: ${note}`));
  return `${lines.join('\n')}\n`;
}

function caseTable(cases: readonly CaseResult[]): string[] {
  const present = SYSTEM_NAMES.filter((name) => cases.some((c) => c.timings.has(name)));
  const others = present.filter((name) => name !== 'floor');
  const header = [
    'case',
    ...present.map((name) => `${name} ms`),
    ...others.map((name) => `${name}/floor`),
  ];
  const hasRedisRatio = present.includes('api-redis') && present.includes('api-memory');
  if (hasRedisRatio) header.push('redis/memory');
  const rows = cases.map((c) => {
    const cells = [c.shape.label, ...present.map((name) => cell(c, name))];
    for (const name of others) cells.push(formatRatio(ratio(c, name, 'floor')));
    if (hasRedisRatio) cells.push(formatRatio(ratio(c, 'api-redis', 'api-memory')));
    return `| ${cells.join(' | ')} |`;
  });
  return [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows];
}

function extras(report: BenchReport): string[] {
  const lines: string[] = [];
  const { planning, rss, throughput } = report;
  if (planning !== null) {
    lines.push(
      `- Validation + planning (\`resolveWorkflow\`) of ${planning.steps} steps, ${planning.edges} dependencies: ` +
        `median ${formatMs(planning.warm.median)} ms (${formatMs(planning.warm.min)}–${formatMs(planning.warm.max)}, ${planning.warm.count} runs); first call ${formatMs(planning.coldMs)} ms.`,
    );
  }
  if (rss !== null) {
    lines.push(
      `- ${rss.runs} concurrent runs of ${rss.stepsPerRun} steps in one process: ${rss.correct}/${rss.runs} correct` +
        `${rss.problem === null ? '' : ` (first problem: ${rss.problem})`}, peak RSS ${rss.peakRssMiB.toFixed(0)} MiB ` +
        `(${rss.baselineRssMiB.toFixed(0)} MiB before), all done in ${formatMs(rss.durationMs)} ms.`,
    );
  }
  if (throughput !== null) {
    const { api, floor } = throughput;
    lines.push(
      `- API throughput, ${throughput.steps}-step workflow, ${api.concurrency} requests in flight from a separate process: ${loadLine(api)}.`,
      `- Floor, the same ${throughput.steps} calls straight to the service, same concurrency: ${loadLine(floor)}.`,
    );
  }
  return lines;
}

function loadLine(result: LoadResult): string {
  const errors =
    result.errors === 0 ? '' : `, **${result.errors} errors** (${result.firstError ?? ''})`;
  return `${result.perSecond.toFixed(0)} runs/s, p50 ${formatMs(result.p50Ms)} ms, p99 ${formatMs(result.p99Ms)} ms, max ${formatMs(result.maxMs)} ms (${result.completed} runs in ${(result.durationMs / 1000).toFixed(1)} s)${errors}`;
}

function checkTargets(report: BenchReport): TargetCheck[] {
  const checks: TargetCheck[] = [];
  for (const [id, limit] of RATIO_TARGETS) {
    const found = report.cases.find((c) => c.shape.id === id);
    const value = found === undefined ? null : ratio(found, 'engine', 'floor');
    if (found === undefined || value === null) continue;
    checks.push({
      what: `${found.shape.label}: engine/floor`,
      limit: `≤ ${limit.toFixed(2)}`,
      measured: value.toFixed(2),
      met: value <= limit,
    });
  }
  const chain = report.cases.find((c) => c.shape.id === 'chain-2000x0ms');
  const redis = chain === undefined ? null : ratio(chain, 'api-redis', 'api-memory');
  if (redis !== null)
    checks.push({
      what: 'chain 2000: Redis store / memory store (API)',
      limit: '≤ 2.00',
      measured: redis.toFixed(2),
      met: redis <= 2,
    });
  const { planning, rss, throughput } = report;
  if (planning !== null && planning.steps === 10_000) {
    checks.push({
      what: `validation + plan, 10,000 steps`,
      limit: '≤ 100 ms',
      measured: `${formatMs(planning.warm.median)} ms`,
      met: planning.warm.median <= 100,
    });
  }
  if (rss !== null && rss.runs === 1_000) {
    const met = rss.correct === rss.runs && rss.peakRssMiB <= 300;
    checks.push({
      what: '1,000 concurrent 10-step runs',
      limit: 'all correct, peak RSS ≤ 300 MiB',
      measured: `${rss.correct} correct, ${rss.peakRssMiB.toFixed(0)} MiB`,
      met,
    });
  }
  if (throughput !== null && report.mode !== 'tiny') {
    const { api, floor } = throughput;
    checks.push({
      what: 'API runs per second (3 steps)',
      limit: '≥ 1000',
      measured: api.perSecond.toFixed(0),
      met: api.perSecond >= 1000 && api.errors === 0,
    });
    const gap = api.p99Ms - floor.p99Ms;
    checks.push({
      what: 'API p99 − floor p99',
      limit: '≤ 50 ms',
      measured: `${formatMs(gap)} ms`,
      met: gap <= 50,
    });
  }
  return checks;
}

function cell(result: CaseResult, name: SystemName): string {
  const summary = result.timings.get(name);
  return summary === undefined ? '–' : formatSummary(summary);
}

function ratio(result: CaseResult, name: SystemName, base: SystemName): number | null {
  const top = result.timings.get(name);
  const bottom = result.timings.get(base);
  return top === undefined || bottom === undefined ? null : top.median / bottom.median;
}

function formatRatio(value: number | null): string {
  return value === null ? '–' : value.toFixed(2);
}
