import { describe, expect, it } from 'vitest';
import { resolveWorkflow, toDot, toMermaid } from './index.js';
import { stepConfig } from '../../../test/helpers/dag-payloads.js';

const workflow = resolveWorkflow({
  workflow_id: 'demo "1"',
  input_data: { selection_manual: ['b'], doc: 'x' },
  STEPS_CONFIG: [
    stepConfig('router', { step_name: 'route "it"', outputs: ['selection_router'] }),
    stepConfig('a', { dependencies: ['selection_router', 'router', 'doc'] }),
    stepConfig('b', { dependencies: ['selection_manual', 'a', 'a_out'] }),
  ],
});

describe('toMermaid', () => {
  it('draws labelled nodes, plain and dashed selection arrows, each once', () => {
    expect(toMermaid(workflow)).toBe(
      [
        'flowchart TD',
        '  s0["route #quot;it#quot;"]',
        '  s1["a"]',
        '  s2["b"]',
        '  i0(["input_data.selection_manual"])',
        '  s0 -.->|"selection_router"| s1',
        '  s0 --> s1',
        '  i0 -.->|"selection_manual"| s2',
        '  s1 --> s2',
        '',
      ].join('\n'),
    );
  });

  it('escapes characters Mermaid would read as syntax', () => {
    const tricky = resolveWorkflow({
      STEPS_CONFIG: [stepConfig('a', { step_name: 'x<y> | #1 `z`\nnext' })],
    });
    expect(toMermaid(tricky)).toContain('s0["x#lt;y#gt; #124; #35;1 #96;z#96; next"]');
  });
});

describe('toDot', () => {
  it('draws a digraph named after the workflow with dashed, labelled selection arrows', () => {
    expect(toDot(workflow)).toBe(
      [
        'digraph "demo \\"1\\"" {',
        '  node [shape=box];',
        '  s0 [label="route \\"it\\""];',
        '  s1 [label="a"];',
        '  s2 [label="b"];',
        '  i0 [label="input_data.selection_manual", shape=ellipse];',
        '  s0 -> s1 [style=dashed, label="selection_router"];',
        '  s0 -> s1;',
        '  i0 -> s2 [style=dashed, label="selection_manual"];',
        '  s1 -> s2;',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('escapes backslashes and line breaks in labels', () => {
    const tricky = resolveWorkflow({ STEPS_CONFIG: [stepConfig('a', { step_name: 'a\\b\r\nc' })] });
    expect(toDot(tricky)).toContain('s0 [label="a\\\\b\\nc"];');
  });
});
