/**
 * Text renderings of a workflow's dependency graph for the `graph` command: Mermaid flowcharts
 * and Graphviz DOT. Arrows point from a step to the steps that wait for it; a selection
 * dependency is a dashed arrow labelled with the selection's name.
 */
import type { ResolvedWorkflow } from './types.js';

/** One arrow of the drawing; `from` is a node id. */
interface Edge {
  from: string;
  to: string;
  selection: string | null;
}

interface Drawing {
  /** Step nodes (`s<index>`) then input nodes (`i<n>`) with their labels. */
  nodes: Array<{ id: string; label: string; isInput: boolean }>;
  edges: Edge[];
}

/**
 * Mermaid flowchart of the workflow (`flowchart TD`). Nodes are labelled with step names; a
 * `selection_X` given in input_data appears as an input node with a dashed arrow.
 * @example toMermaid(resolveWorkflow(payload)) // "flowchart TD\n  s0[\"fetch\"]\n  ..."
 */
export function toMermaid(workflow: ResolvedWorkflow): string {
  const { nodes, edges } = draw(workflow);
  const lines = ['flowchart TD'];
  for (const node of nodes) {
    const label = mermaidText(node.label);
    lines.push(node.isInput ? `  ${node.id}(["${label}"])` : `  ${node.id}["${label}"]`);
  }
  for (const edge of edges) {
    lines.push(
      edge.selection === null
        ? `  ${edge.from} --> ${edge.to}`
        : `  ${edge.from} -.->|"${mermaidText(edge.selection)}"| ${edge.to}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Graphviz DOT digraph of the workflow, named after its workflow_id. Nodes are boxes labelled
 * with step names; input nodes are ellipses; selection arrows are dashed and labelled.
 * @example toDot(resolveWorkflow(payload)) // "digraph \"workflow-123\" {\n  ..."
 */
export function toDot(workflow: ResolvedWorkflow): string {
  const { nodes, edges } = draw(workflow);
  const lines = [`digraph ${dotString(workflow.workflowId)} {`, '  node [shape=box];'];
  for (const node of nodes) {
    const shape = node.isInput ? ', shape=ellipse' : '';
    lines.push(`  ${node.id} [label=${dotString(node.label)}${shape}];`);
  }
  for (const edge of edges) {
    lines.push(
      edge.selection === null
        ? `  ${edge.from} -> ${edge.to};`
        : `  ${edge.from} -> ${edge.to} [style=dashed, label=${dotString(edge.selection)}];`,
    );
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

/** Nodes and distinct arrows, shared by both renderings. */
function draw(workflow: ResolvedWorkflow): Drawing {
  const nodes: Drawing['nodes'] = workflow.steps.map((step) => ({
    id: `s${step.index}`,
    label: step.name,
    isInput: false,
  }));
  const inputIds = new Map<string, string>();
  const edges: Edge[] = [];
  for (const step of workflow.steps) {
    const to = `s${step.index}`;
    const drawn = new Set<string>();
    for (const dependency of step.dependencies) {
      let from: string;
      let selection: string | null = null;
      if (dependency.kind === 'step') from = `s${dependency.stepIndex}`;
      else if (dependency.kind === 'selection') {
        from = `s${dependency.stepIndex}`;
        selection = dependency.name;
      } else if (dependency.kind === 'input-selection') {
        from = inputNode(dependency.name, inputIds, nodes);
        selection = dependency.name;
      } else continue;
      const key = `${from} ${selection ?? ''}`;
      if (drawn.has(key)) continue;
      drawn.add(key);
      edges.push({ from, to, selection });
    }
  }
  return { nodes, edges };
}

function inputNode(name: string, ids: Map<string, string>, nodes: Drawing['nodes']): string {
  let id = ids.get(name);
  if (id === undefined) {
    id = `i${ids.size}`;
    ids.set(name, id);
    nodes.push({ id, label: `input_data.${name}`, isInput: true });
  }
  return id;
}

const MERMAID_ENTITIES: Record<string, string> = {
  '"': '#quot;',
  '#': '#35;',
  '<': '#lt;',
  '>': '#gt;',
  '|': '#124;',
  '`': '#96;',
  '\n': ' ',
  '\r': ' ',
};

/** Text safe inside a quoted Mermaid label: entity codes for characters Mermaid reads. */
function mermaidText(text: string): string {
  return text.replace(/["#<>|`\r\n]/g, (char) => MERMAID_ENTITIES[char] ?? char);
}

/** A DOT double-quoted string. */
function dotString(text: string): string {
  const escaped = text
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\r?\n|\r/g, '\\n');
  return `"${escaped}"`;
}
