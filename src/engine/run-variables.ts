/**
 * The variables of one run (SPEC 2): outputs produced so far, then input_data keys, then
 * original_input; `secrets.NAME`; and `run` (id, workflow_id, namespace, attempt).
 */
import type { ResolvedStep, ResolvedWorkflow } from '../core/dag/types.js';
import type { TemplateScope } from '../core/template/types.js';

export class RunVariables {
  private readonly outputs = new Map<string, unknown>();
  private readonly runBase: { id: string; workflow_id: string; namespace: string };
  private readonly baseScope: TemplateScope;
  /** Scopes by attempt number: every step's first attempt shares one. */
  private readonly scopes: TemplateScope[] = [];

  constructor(
    private readonly workflow: ResolvedWorkflow,
    runId: string,
    secrets: Readonly<Record<string, string>>,
  ) {
    this.runBase = { id: runId, workflow_id: workflow.workflowId, namespace: workflow.namespace };
    this.baseScope = { lookup: (name) => (name === 'secrets' ? secrets : this.lookup(name)) };
  }

  /** Outputs produced so far, by name. */
  get produced(): ReadonlyMap<string, unknown> {
    return this.outputs;
  }

  /** Records the outputs of a completed step. */
  addOutputs(step: ResolvedStep, outputs: Record<string, unknown>): void {
    for (const name of step.outputs) this.outputs.set(name, outputs[name]);
  }

  /** Takes over the outputs a stored run had produced. */
  restore(outputs: Readonly<Record<string, unknown>>): void {
    for (const [name, value] of Object.entries(outputs)) this.outputs.set(name, value);
  }

  /** The value of a base variable (not `secrets` or `run`), or undefined when there is none. */
  lookup(name: string): unknown {
    const output = this.outputs.get(name);
    if (output !== undefined || this.outputs.has(name)) return output;
    const inputData = this.workflow.inputData;
    if (Object.hasOwn(inputData, name)) return inputData[name];
    if (name === 'original_input') return this.workflow.originalInput;
    return undefined;
  }

  /** The template scope of one attempt: `run.attempt` differs per attempt. */
  scopeFor(attempt: number): TemplateScope {
    const cached = this.scopes[attempt];
    if (cached !== undefined) return cached;
    const run = Object.freeze({ ...this.runBase, attempt });
    const base = this.baseScope;
    const scope: TemplateScope = { lookup: (name) => (name === 'run' ? run : base.lookup(name)) };
    this.scopes[attempt] = scope;
    return scope;
  }

  /** Whether `usid` is listed in selection `name` (a list of usids or one); undefined if absent. */
  isSelected(usid: string, name: string): boolean | undefined {
    const selection = this.lookup(name);
    if (selection === undefined || selection === null) return undefined;
    if (typeof selection === 'string') return selection === usid;
    if (Array.isArray(selection)) return selection.includes(usid);
    return false;
  }
}
