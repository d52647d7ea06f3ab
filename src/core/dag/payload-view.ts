/**
 * Defensive reads of a payload that may not have passed the structural check, so the semantic
 * checks can still run and report every problem at once. A field of the wrong type reads as
 * absent (its structural issue is already reported).
 */
import { stepPointer } from './issues.js';

/** What the semantic checks need of one step. */
export interface StepView {
  index: number;
  /** `/STEPS_CONFIG/<index>`. */
  pointer: string;
  /** The step as given; empty when it is not an object. */
  raw: Readonly<Record<string, unknown>>;
  usid: string | undefined;
  name: string | undefined;
  /** Entries as given; non-strings are skipped by the checks. */
  outputs: readonly unknown[];
  dependencies: readonly unknown[];
  labels: readonly unknown[];
}

const EMPTY: Readonly<Record<string, unknown>> = Object.freeze({});
const NONE: readonly unknown[] = Object.freeze([]);

/** True for an object that is not an array (JSON's object). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `container[key]` when it is an object, else an empty object. */
export function recordAt(container: unknown, key: string): Readonly<Record<string, unknown>> {
  if (!isRecord(container)) return EMPTY;
  const value = container[key];
  return isRecord(value) ? value : EMPTY;
}

/** `container[key]` when it is a string. */
export function stringAt(
  container: Readonly<Record<string, unknown>>,
  key: string,
): string | undefined {
  const value = container[key];
  return typeof value === 'string' ? value : undefined;
}

/** `container[key]` when it is a finite number. */
export function numberAt(
  container: Readonly<Record<string, unknown>>,
  key: string,
): number | undefined {
  const value = container[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function arrayAt(container: Readonly<Record<string, unknown>>, key: string): readonly unknown[] {
  const value = container[key];
  return Array.isArray(value) ? (value as unknown[]) : NONE;
}

/** One view per entry of STEPS_CONFIG (none when it is not an array). */
export function readSteps(steps: unknown): StepView[] {
  if (!Array.isArray(steps)) return [];
  const views: StepView[] = new Array<StepView>(steps.length);
  for (let index = 0; index < steps.length; index++) {
    const item: unknown = steps[index];
    const raw = isRecord(item) ? item : EMPTY;
    views[index] = {
      index,
      pointer: stepPointer(index),
      raw,
      usid: stringAt(raw, 'usid'),
      name: stringAt(raw, 'step_name'),
      outputs: arrayAt(raw, 'outputs'),
      dependencies: arrayAt(raw, 'dependencies'),
      labels: arrayAt(raw, 'labels'),
    };
  }
  return views;
}

/** How a step is called in messages: its step_name, else its usid, else its position. */
export function stepLabel(view: StepView): string {
  return view.name ?? view.usid ?? `#${view.index}`;
}
