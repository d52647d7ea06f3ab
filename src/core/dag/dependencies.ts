/**
 * Resolves dependency names (SPEC 3.1, 3.2). A name fits a step through an output, its usid, its
 * step_name or one of its labels; fitting one step several ways is still that one step.
 * `selection_X` names only outputs, or failing that an input_data key.
 */
import type { ResolvedDependency } from './types.js';
import { listNames, quote, type IssueList } from './issues.js';
import { stepLabel, type StepView } from './payload-view.js';

/** Prefix of selection dependencies (SPEC 3.2). */
export const SELECTION_PREFIX = 'selection_';

/** The variable every payload provides besides its input_data keys. */
const ORIGINAL_INPUT = 'original_input';

/** For a name, the one step it fits, or every step it fits (in payload order). */
export type Owner = number | number[];

/** Looks names up across all steps in O(1). */
export class NameIndex {
  private readonly owners = new Map<string, Owner>();
  private readonly producers = new Map<string, number>();
  private readonly usids = new Map<string, number>();
  private readonly outputNames: string[] = [];

  constructor(readonly views: readonly StepView[]) {
    for (const view of views) {
      const step = view.index;
      for (const output of view.outputs) {
        if (typeof output !== 'string') continue;
        if (!this.producers.has(output)) {
          this.producers.set(output, step);
          this.outputNames.push(output);
        }
        this.fit(output, step);
      }
      if (view.usid !== undefined) {
        if (!this.usids.has(view.usid)) this.usids.set(view.usid, step);
        this.fit(view.usid, step);
      }
      if (view.name !== undefined) this.fit(view.name, step);
      for (const label of view.labels) if (typeof label === 'string') this.fit(label, step);
    }
  }

  /** The step producing output `name` (the first, if several wrongly do). */
  producerOf(name: string): number | undefined {
    return this.producers.get(name);
  }

  /** The first step with usid `usid`. */
  firstWithUsid(usid: string): number | undefined {
    return this.usids.get(usid);
  }

  /** Whether any step produces output `name`. */
  isOutput(name: string): boolean {
    return this.producers.has(name);
  }

  /** Every output name, in payload order. */
  get outputs(): readonly string[] {
    return this.outputNames;
  }

  /** The step(s) that `name` fits as an output, usid, step_name or label; undefined for none. */
  ownerOf(name: string): Owner | undefined {
    return this.owners.get(name);
  }

  /** How step `index` fits `name`: `output`, `usid`, `step_name`, `label`. */
  fitsOf(name: string, index: number): string[] {
    const view = this.views[index];
    if (view === undefined) return [];
    const ways: string[] = [];
    if (view.outputs.includes(name)) ways.push('output');
    if (view.usid === name) ways.push('usid');
    if (view.name === name) ways.push('step_name');
    if (view.labels.includes(name)) ways.push('label');
    return ways;
  }

  private fit(name: string, step: number): void {
    const owner = this.owners.get(name);
    if (owner === undefined) this.owners.set(name, step);
    else if (typeof owner === 'number') {
      if (owner !== step) this.owners.set(name, [owner, step]);
    } else if (owner[owner.length - 1] !== step) {
      // Steps are indexed in payload order, so comparing with the last one is enough.
      owner.push(step);
    }
  }
}

/** Per step, its resolved dependencies, and where each stands in the step's `dependencies`. */
export interface ResolvedDependencies {
  lists: ResolvedDependency[][];
  positions: number[][];
}

/**
 * Resolves every dependency of every step; reports unknown, ambiguous and unknown selection
 * names at the dependency's pointer. Entries that are not non-empty strings are skipped (the
 * structural check reports them).
 */
export function resolveDependencies(
  views: readonly StepView[],
  index: NameIndex,
  inputData: Readonly<Record<string, unknown>>,
  issues: IssueList,
): ResolvedDependencies {
  const lists = new Array<ResolvedDependency[]>(views.length);
  const positions = new Array<number[]>(views.length);
  for (const view of views) {
    const list: ResolvedDependency[] = [];
    const at: number[] = [];
    const names = view.dependencies;
    for (let position = 0; position < names.length; position++) {
      const name = names[position];
      if (typeof name !== 'string' || name === '') continue;
      const dependency = resolveName(name, index, inputData, view, position, issues);
      if (dependency === undefined) continue;
      list.push(dependency);
      at.push(position);
    }
    lists[view.index] = list;
    positions[view.index] = at;
  }
  return { lists, positions };
}

function resolveName(
  name: string,
  index: NameIndex,
  inputData: Readonly<Record<string, unknown>>,
  view: StepView,
  position: number,
  issues: IssueList,
): ResolvedDependency | undefined {
  if (name.startsWith(SELECTION_PREFIX)) {
    const producer = index.producerOf(name);
    if (producer !== undefined) return { kind: 'selection', name, stepIndex: producer };
    if (Object.hasOwn(inputData, name)) return { kind: 'input-selection', name };
    issues.add(
      dependencyPointer(view, position),
      'unknown_selection',
      `unknown selection ${quote(name)}: no step lists it in outputs and input_data has no such key`,
    );
    return undefined;
  }
  const owner = index.ownerOf(name);
  if (typeof owner === 'number') return { kind: 'step', name, stepIndex: owner };
  if (owner !== undefined) {
    issues.add(
      dependencyPointer(view, position),
      'ambiguous_dependency',
      ambiguityMessage(name, owner, index),
    );
    return undefined;
  }
  // A step that produces the name wins (handled above); otherwise an input is already there.
  if (name === ORIGINAL_INPUT || Object.hasOwn(inputData, name)) return { kind: 'input', name };
  const known = index.outputs.length > 0 ? ` (known outputs: ${listNames(index.outputs)})` : '';
  issues.add(
    dependencyPointer(view, position),
    'unknown_dependency',
    `unknown dependency ${quote(name)}: no step has it as output, usid, step_name or label, ` +
      `and input_data has no such key${known}`,
  );
  return undefined;
}

/** Built only when reporting: most dependencies resolve. */
function dependencyPointer(view: StepView, position: number): string {
  return `${view.pointer}/dependencies/${position}`;
}

const SHOWN_CANDIDATES = 5;

function ambiguityMessage(name: string, candidates: readonly number[], index: NameIndex): string {
  const shown = candidates.slice(0, SHOWN_CANDIDATES).map((step) => {
    const view = index.views[step];
    const label = view === undefined ? `#${step}` : stepLabel(view);
    return `${quote(label)} (/STEPS_CONFIG/${step}, by ${index.fitsOf(name, step).join(' and ')})`;
  });
  const rest = candidates.length - shown.length;
  const more = rest > 0 ? ` and ${rest} more` : '';
  return `ambiguous dependency ${quote(name)}: it fits ${candidates.length} steps: ${shown.join(', ')}${more}`;
}
