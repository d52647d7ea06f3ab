/**
 * Reads a `.cpuprofile` written by `node --cpu-prof` and lists the frames that cost the most:
 * self time (where the CPU was) and total time (the frame and everything it called).
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** One frame's share of the profile. */
export interface FrameCost {
  readonly frame: string;
  readonly selfMs: number;
  readonly totalMs: number;
}

/** Self and total time per frame (function, file, line), most expensive first by self time. */
export function frameCosts(profile: CpuProfile): { frames: FrameCost[]; sampledMs: number } {
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  let sampledMs = 0;
  profile.samples.forEach((id, index) => {
    const ms = (profile.timeDeltas[index] ?? 0) / 1000;
    sampledMs += ms;
    const leaf = byId.get(id);
    if (leaf === undefined) return;
    add(self, frameName(leaf), ms);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const node = byId.get(at);
      if (node === undefined) break;
      const name = frameName(node);
      if (!seen.has(name)) {
        seen.add(name);
        add(total, name, ms);
      }
    }
  });
  const frames = [...total.keys()].map((frame) => ({
    frame,
    selfMs: self.get(frame) ?? 0,
    totalMs: total.get(frame) ?? 0,
  }));
  frames.sort((a, b) => b.selfMs - a.selfMs);
  return { frames, sampledMs };
}

/** The top `count` frames of the profile at `file`, by self and by total time, as Markdown. */
export function summarizeProfile(file: string, count = 25): string {
  const { frames, sampledMs } = frameCosts(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile);
  const share = (ms: number): string => `${((ms * 100) / sampledMs).toFixed(1)}%`;
  const lines = [
    `Profile ${file}: ${sampledMs.toFixed(0)} ms sampled`,
    '',
    '| self | self % | total % | frame |',
    '| --- | --- | --- | --- |',
  ];
  for (const f of frames.slice(0, count))
    lines.push(
      `| ${f.selfMs.toFixed(1)} ms | ${share(f.selfMs)} | ${share(f.totalMs)} | ${f.frame} |`,
    );
  const byTotal = [...frames]
    .sort((a, b) => b.totalMs - a.totalMs)
    .filter((f) => !f.frame.startsWith('('))
    .slice(0, count);
  lines.push('', '| total % | frame |', '| --- | --- |');
  for (const f of byTotal) lines.push(`| ${share(f.totalMs)} | ${f.frame} |`);
  return `${lines.join('\n')}\n`;
}

function frameName(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const name = functionName === '' ? '(anonymous)' : functionName;
  if (url === '') return name;
  const file = url.slice(url.lastIndexOf('/') + 1);
  return `${name} ${file}:${lineNumber + 1}`;
}

function add(map: Map<string, number>, key: string, ms: number): void {
  map.set(key, (map.get(key) ?? 0) + ms);
}
