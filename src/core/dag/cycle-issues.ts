/**
 * Words dependency cycles as issues: `dependency cycle: a -> b -> c -> a`, each arrow pointing
 * from a step to one that waits for it, reported at the dependency that closes the cycle.
 */
import type { ResolvedDependencies } from './dependencies.js';
import type { ResolvedDependency } from './types.js';
import { findCycles, type StepGraph } from './graph-order.js';
import type { IssueList } from './issues.js';
import { stepLabel, type StepView } from './payload-view.js';

/** Longest cycle printed in full; longer ones show their start and end. */
const MAX_SHOWN_CYCLE = 20;

/** Adds one `cycle` issue per group of steps that wait for each other. */
export function reportCycles(
  graph: StepGraph,
  views: readonly StepView[],
  dependencies: ResolvedDependencies,
  issues: IssueList,
): void {
  for (const cycle of findCycles(graph)) {
    const start = cycle[0] ?? 0;
    const last = cycle[cycle.length - 1] ?? start;
    // The start waits for the last step of the path: that dependency closes the cycle.
    const closing = dependencies.lists[start]?.findIndex((dependency) =>
      waitsFor(dependency, last),
    );
    const position = closing === undefined ? undefined : dependencies.positions[start]?.[closing];
    const where = position === undefined ? '' : `/dependencies/${position}`;
    issues.add(
      `/STEPS_CONFIG/${start}${where}`,
      'cycle',
      `dependency cycle: ${describeCycle(cycle, views)}`,
    );
    if (issues.isFull) return;
  }
}

function waitsFor(dependency: ResolvedDependency, step: number): boolean {
  return (
    (dependency.kind === 'step' || dependency.kind === 'selection') && dependency.stepIndex === step
  );
}

function describeCycle(cycle: readonly number[], views: readonly StepView[]): string {
  const name = (step: number): string => {
    const view = views[step];
    return view === undefined ? `#${step}` : stepLabel(view);
  };
  const names = cycle.map(name);
  names.push(names[0] ?? '');
  if (names.length <= MAX_SHOWN_CYCLE) return names.join(' -> ');
  const hidden = names.length - 15;
  return [...names.slice(0, 10), `... (${hidden} more steps)`, ...names.slice(-5)].join(' -> ');
}
