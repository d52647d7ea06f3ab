import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ResolvedDependency, ResolvedStep, ResolvedWorkflow } from '../dag/types.js';
import type { TriggerRule } from '../payload/schema.js';
import type { StepStatus } from '../run/types.js';
import { RunScheduler, type SchedulerCommand } from './run-scheduler.js';

const staticTemplate = { isStatic: true, render: () => null };

interface StepSpec {
  upstream: readonly number[];
  rule: TriggerRule;
  /** Index of a step whose selection output gates this one. */
  selectedBy?: number | undefined;
}

/** A workflow whose steps depend on earlier ones only, so it is acyclic by construction. */
function workflowOf(
  specs: StepSpec[],
  raiseOnError = false,
  maxParallelSteps = 16,
): ResolvedWorkflow {
  const steps: ResolvedStep[] = specs.map((spec, index) => {
    const dependencies: ResolvedDependency[] = spec.upstream.map((stepIndex) => ({
      kind: 'step',
      name: `out_${stepIndex}`,
      stepIndex,
    }));
    const upstream = [...spec.upstream];
    if (spec.selectedBy !== undefined) {
      dependencies.push({
        kind: 'selection',
        name: `selection_${spec.selectedBy}`,
        stepIndex: spec.selectedBy,
      });
      if (!upstream.includes(spec.selectedBy)) upstream.push(spec.selectedBy);
    }
    return {
      index,
      usid: `s${index}`,
      name: `step_${index}`,
      method: 'POST',
      bodyType: null,
      outputs: [`out_${index}`],
      outputMapping: null,
      dependencies,
      upstream,
      downstream: [],
      triggerRule: spec.rule,
      retry: { maxRetries: 0, retryDelayMs: 0, maxRetryDelayMs: 0, backoff: 'fixed' },
      stepTimeoutMs: 1000,
      httpTimeoutMs: 1000,
      labels: [],
      templates: { serviceUrl: staticTemplate, headers: staticTemplate, mapping: staticTemplate },
      topoIndex: index + 1,
      level: 0,
    };
  });
  for (const step of steps) for (const up of step.upstream) steps[up]!.downstream.push(step.index);
  return {
    workflowId: 'wf',
    namespace: 'ns',
    workflowName: null,
    originalInput: null,
    inputData: {},
    steps,
    settings: {
      raiseOnError,
      totalTimeoutMs: 1000,
      maxParallelSteps,
      onMissing: 'error',
      finalOutput: null,
      notifications: null,
    },
    levels: [],
    topoOrder: steps.map((step) => step.index),
    payload: { STEPS_CONFIG: [] },
  };
}

const TERMINAL: StepStatus[] = ['completed', 'failed', 'aborted', 'cancelled'];

/** Drives a scheduler to the end, checking the invariants after every command. */
function simulate(
  workflow: ResolvedWorkflow,
  outcomes: boolean[],
  selections: boolean[],
  pick: (running: number) => number,
): { status: StepStatus[]; starts: number } {
  const status: StepStatus[] = workflow.steps.map(() => 'pending');
  const scheduler = new RunScheduler(workflow, {
    raiseOnError: workflow.settings.raiseOnError,
    maxParallelSteps: workflow.settings.maxParallelSteps,
    isSelected: (step) => selections[step.index] ?? false,
  });
  const running: number[] = [];
  let starts = 0;
  let failed = false;
  const apply = (commands: SchedulerCommand[]): void => {
    for (const command of commands) {
      const current = status[command.step];
      if (command.type === 'start') {
        expect(current).toBe('pending');
        expect(failed && workflow.settings.raiseOnError).toBe(false);
        for (const up of workflow.steps[command.step]!.upstream)
          expect(TERMINAL).toContain(status[up]);
        status[command.step] = 'running';
        running.push(command.step);
        starts += 1;
      } else if (command.type === 'abort') {
        expect(current).toBe('pending');
        status[command.step] = 'aborted';
      } else {
        expect(current).toBe('running');
        status[command.step] = 'cancelled';
        running.splice(running.indexOf(command.step), 1);
      }
    }
    expect(running.length).toBeLessThanOrEqual(workflow.settings.maxParallelSteps);
  };
  apply(scheduler.start());
  let guard = workflow.steps.length * 4 + 4;
  while (running.length > 0) {
    guard -= 1;
    expect(guard).toBeGreaterThan(0);
    const [step] = running.splice(pick(running.length) % running.length, 1) as [number];
    const ok = outcomes[step] ?? true;
    status[step] = ok ? 'completed' : 'failed';
    if (!ok) failed = true;
    apply(scheduler.settle(step, ok ? 'completed' : 'failed'));
  }
  expect(scheduler.isFinished).toBe(true);
  return { status, starts };
}

const dagArbitrary = fc.integer({ min: 1, max: 30 }).chain((count) =>
  fc.record({
    specs: fc.tuple(
      ...Array.from({ length: count }, (_, index) =>
        fc.record({
          upstream:
            index === 0
              ? fc.constant<number[]>([])
              : fc.uniqueArray(fc.integer({ min: 0, max: index - 1 }), { maxLength: 4 }),
          rule: fc.constantFrom<TriggerRule>(
            'all_success',
            'none_failed_min_one_success',
            'one_success',
            'all_done',
          ),
          selectedBy:
            index === 0
              ? fc.constant(undefined)
              : fc.option(fc.integer({ min: 0, max: index - 1 }), { nil: undefined }),
        }),
      ),
    ),
    outcomes: fc.array(fc.boolean(), { minLength: count, maxLength: count }),
    selections: fc.array(fc.boolean(), { minLength: count, maxLength: count }),
    picks: fc.array(fc.nat(), { minLength: 1, maxLength: 200 }),
    raiseOnError: fc.boolean(),
    maxParallel: fc.integer({ min: 1, max: 8 }),
  }),
);

describe('RunScheduler over random DAGs and completion orders', () => {
  it('ends every step in exactly one terminal state, never starting a step before its dependencies settle', () => {
    fc.assert(
      fc.property(
        dagArbitrary,
        ({ specs, outcomes, selections, picks, raiseOnError, maxParallel }) => {
          let turn = 0;
          const { status } = simulate(
            workflowOf(specs, raiseOnError, maxParallel),
            outcomes,
            selections,
            () => picks[turn++ % picks.length] ?? 0,
          );
          for (const state of status) expect(TERMINAL).toContain(state);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('starts an all_success step only when every dependency completed', () => {
    fc.assert(
      fc.property(dagArbitrary, ({ specs, outcomes, selections, picks }) => {
        const allSuccess = specs.map((spec) => ({
          ...spec,
          rule: 'all_success' as const,
          selectedBy: undefined,
        }));
        const workflow = workflowOf(allSuccess);
        let turn = 0;
        const { status } = simulate(
          workflow,
          outcomes,
          selections,
          () => picks[turn++ % picks.length] ?? 0,
        );
        for (const step of workflow.steps) {
          const ran = status[step.index] === 'completed' || status[step.index] === 'failed';
          const upstreamCompleted = step.upstream.every((up) => status[up] === 'completed');
          expect(ran).toBe(upstreamCompleted);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('RunScheduler rules', () => {
  it('cascades an abort several levels down, naming the upstream step', () => {
    const workflow = workflowOf([
      { upstream: [], rule: 'all_success' },
      { upstream: [0], rule: 'all_success' },
      { upstream: [1], rule: 'all_success' },
      { upstream: [2], rule: 'all_success' },
    ]);
    const scheduler = new RunScheduler(workflow, {
      raiseOnError: false,
      maxParallelSteps: 4,
      isSelected: () => true,
    });
    expect(scheduler.start()).toEqual([{ type: 'start', step: 0 }]);
    expect(scheduler.settle(0, 'failed')).toEqual([
      { type: 'abort', step: 1, reason: 'upstream step step_0 failed' },
      { type: 'abort', step: 2, reason: 'upstream step step_1 was aborted' },
      { type: 'abort', step: 3, reason: 'upstream step step_2 was aborted' },
    ]);
    expect(scheduler.isFinished).toBe(true);
  });

  it('aborts a step whose usid is not in the selection and runs the join of an if/else', () => {
    const workflow = workflowOf([
      { upstream: [], rule: 'all_success' },
      { upstream: [], rule: 'all_success', selectedBy: 0 },
      { upstream: [], rule: 'all_success', selectedBy: 0 },
      { upstream: [1, 2], rule: 'none_failed_min_one_success' },
    ]);
    const scheduler = new RunScheduler(workflow, {
      raiseOnError: true,
      maxParallelSteps: 4,
      isSelected: (step) => step.index === 2,
    });
    scheduler.start();
    expect(scheduler.settle(0, 'completed')).toEqual([
      { type: 'abort', step: 1, reason: 'usid not in selection_0' },
      { type: 'start', step: 2 },
    ]);
    expect(scheduler.settle(2, 'completed')).toEqual([{ type: 'start', step: 3 }]);
  });

  it('ends the run at the first failure when raise_on_error is set', () => {
    const workflow = workflowOf([
      { upstream: [], rule: 'all_success' },
      { upstream: [], rule: 'all_success' },
      { upstream: [0], rule: 'all_done' },
    ]);
    const scheduler = new RunScheduler(workflow, {
      raiseOnError: true,
      maxParallelSteps: 4,
      isSelected: () => true,
    });
    scheduler.start();
    expect(scheduler.settle(0, 'failed')).toEqual([
      { type: 'cancel', step: 1, reason: 'run failed: step step_0 failed' },
      { type: 'abort', step: 2, reason: 'run failed: step step_0 failed' },
    ]);
    expect(scheduler.haltCause).toBe('failed');
    expect(scheduler.settle(1, 'completed')).toEqual([]);
  });

  it('holds ready steps beyond max_parallel_steps until a slot frees', () => {
    const workflow = workflowOf(
      Array.from({ length: 5 }, () => ({ upstream: [], rule: 'all_success' as const })),
      false,
      2,
    );
    const scheduler = new RunScheduler(workflow, {
      raiseOnError: false,
      maxParallelSteps: 2,
      isSelected: () => true,
    });
    expect(scheduler.start().map((command) => command.step)).toEqual([0, 1]);
    expect(scheduler.settle(1, 'completed')).toEqual([{ type: 'start', step: 2 }]);
  });
});
