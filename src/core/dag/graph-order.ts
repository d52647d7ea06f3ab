/**
 * The dependency graph over step indexes: edges, topological order and plan levels (Kahn's
 * algorithm), and the cycles that prevent an order (Tarjan's strongly connected components).
 * Everything is iterative and O(steps + edges), so a 10,000-step chain cannot overflow the stack.
 */
import type { ResolvedDependency } from './types.js';

/** Edges between steps; both directions hold distinct indexes. */
export interface StepGraph {
  /** Per step, the steps it waits for, in the order its dependencies first name them. */
  upstream: number[][];
  /** Per step, the steps waiting for it, ascending. */
  downstream: number[][];
}

/** A topological plan of an acyclic graph. */
export interface StepPlan {
  /** Step indexes per level, ascending within a level. */
  levels: number[][];
  /** The levels one after another: a topological order. */
  topoOrder: number[];
  /** Per step, its 0-based level. */
  levelOf: Int32Array;
}

/** Builds edges from resolved dependencies; inputs (`input`, `input-selection`) add none. */
export function buildGraph(dependencies: readonly ResolvedDependency[][]): StepGraph {
  const count = dependencies.length;
  const upstream: number[][] = new Array<number[]>(count);
  const downstream: number[][] = new Array<number[]>(count);
  for (let step = 0; step < count; step++) downstream[step] = [];
  // seen[u] === step + 1 marks u as already upstream of step, without a Set per step.
  const seen = new Int32Array(count);
  for (let step = 0; step < count; step++) {
    const ups: number[] = [];
    for (const dependency of dependencies[step] ?? []) {
      if (dependency.kind !== 'step' && dependency.kind !== 'selection') continue;
      const up = dependency.stepIndex;
      if (seen[up] === step + 1) continue;
      seen[up] = step + 1;
      ups.push(up);
      downstream[up]?.push(step);
    }
    upstream[step] = ups;
  }
  return { upstream, downstream };
}

/**
 * Orders the steps: a step's level is 1 + the highest level of the steps it waits for (0 when
 * it waits for none). Returns null when a cycle leaves some steps unordered.
 */
export function planSteps(graph: StepGraph): StepPlan | null {
  const { upstream, downstream } = graph;
  const count = upstream.length;
  const waiting = new Int32Array(count);
  const levelOf = new Int32Array(count);
  const queue = new Int32Array(count);
  let tail = 0;
  for (let step = 0; step < count; step++) {
    waiting[step] = upstream[step]?.length ?? 0;
    if (waiting[step] === 0) queue[tail++] = step;
  }
  let maxLevel = 0;
  for (let head = 0; head < tail; head++) {
    const step = queue[head] ?? 0;
    const next = (levelOf[step] ?? 0) + 1;
    for (const down of downstream[step] ?? []) {
      if ((levelOf[down] ?? 0) < next) levelOf[down] = next;
      const left = (waiting[down] ?? 0) - 1;
      waiting[down] = left;
      if (left === 0) {
        queue[tail++] = down;
        maxLevel = Math.max(maxLevel, levelOf[down] ?? 0);
      }
    }
  }
  if (tail < count) return null;
  const levels: number[][] = [];
  for (let level = 0; level <= maxLevel && count > 0; level++) levels.push([]);
  for (let step = 0; step < count; step++) levels[levelOf[step] ?? 0]?.push(step);
  return { levels, topoOrder: levels.flat(), levelOf };
}

/**
 * One cycle per strongly connected group of steps, each as `[s, ..., u]` meaning
 * s -> ... -> u -> s (an arrow points from a step to one that waits for it). `s` is the group's
 * first step in payload order and the path is a shortest one back to it; groups come in order.
 */
export function findCycles(graph: StepGraph): number[][] {
  const groupOf = new Int32Array(graph.downstream.length);
  const starts: number[] = [];
  stronglyConnected(graph.downstream).forEach((group, id) => {
    let start = group[0] ?? 0;
    for (const member of group) {
      groupOf[member] = id;
      if (member < start) start = member;
    }
    if (group.length > 1 || isSelfLoop(graph, start)) starts.push(start);
  });
  return starts.sort((a, b) => a - b).map((start) => shortestCycleThrough(graph, start, groupOf));
}

function isSelfLoop(graph: StepGraph, step: number): boolean {
  return graph.upstream[step]?.includes(step) ?? false;
}

/** Tarjan's algorithm with an explicit call stack. */
function stronglyConnected(edges: readonly number[][]): number[][] {
  const count = edges.length;
  const order = new Int32Array(count).fill(-1);
  const low = new Int32Array(count);
  const nextEdge = new Int32Array(count);
  const onStack = new Uint8Array(count);
  const stack: number[] = [];
  const calls: number[] = [];
  const groups: number[][] = [];
  let counter = 0;
  const enter = (step: number): void => {
    order[step] = counter;
    low[step] = counter++;
    stack.push(step);
    onStack[step] = 1;
    calls.push(step);
  };
  for (let root = 0; root < count; root++) {
    if (order[root] !== -1) continue;
    enter(root);
    while (calls.length > 0) {
      const step = calls[calls.length - 1] ?? 0;
      const out = edges[step] ?? [];
      const position = nextEdge[step] ?? 0;
      if (position < out.length) {
        nextEdge[step] = position + 1;
        const target = out[position] ?? 0;
        if (order[target] === -1) enter(target);
        else if (onStack[target] === 1) low[step] = Math.min(low[step] ?? 0, order[target] ?? 0);
        continue;
      }
      calls.pop();
      const parent = calls[calls.length - 1];
      if (parent !== undefined) low[parent] = Math.min(low[parent] ?? 0, low[step] ?? 0);
      if (low[step] !== order[step]) continue;
      const group: number[] = [];
      for (let member = stack.pop(); member !== undefined; member = stack.pop()) {
        onStack[member] = 0;
        group.push(member);
        if (member === step) break;
      }
      groups.push(group);
    }
  }
  return groups;
}

/** Breadth-first from `start`, within its group, to the nearest step that `start` waits for. */
function shortestCycleThrough(graph: StepGraph, start: number, groupOf: Int32Array): number[] {
  const group = groupOf[start];
  const closers = new Set(graph.upstream[start] ?? []);
  const parent = new Map<number, number>([[start, -1]]);
  const queue = [start];
  for (let head = 0; head < queue.length; head++) {
    const step = queue[head] ?? 0;
    if (closers.has(step)) return pathTo(parent, step);
    for (const down of graph.downstream[step] ?? []) {
      if (groupOf[down] !== group || parent.has(down)) continue;
      parent.set(down, step);
      queue.push(down);
    }
  }
  // Unreachable for a member of a cycle; the start alone still names the problem.
  return [start];
}

function pathTo(parent: ReadonlyMap<number, number>, end: number): number[] {
  const path: number[] = [];
  for (let step = end; step !== -1; step = parent.get(step) ?? -1) path.push(step);
  return path.reverse();
}
