import { describe, expect, it } from 'vitest';
import type { ResolvedStep } from '../dag/types.js';
import { TemplateError } from '../errors.js';
import { compileTemplate } from '../template/index.js';
import { extractOutputs, parseResponseBody } from './extract-outputs.js';

function step(
  outputs: string[],
  outputMapping: Record<string, string> | null = null,
): ResolvedStep {
  const none = compileTemplate(undefined, { pointer: '', maxLength: 1 });
  return {
    index: 0,
    usid: 'u1',
    name: 'classify',
    method: 'POST',
    bodyType: null,
    outputs,
    outputMapping,
    dependencies: [],
    upstream: [],
    downstream: [],
    triggerRule: 'all_success',
    retry: { maxRetries: 0, retryDelayMs: 0, maxRetryDelayMs: 0, backoff: 'fixed' },
    stepTimeoutMs: 1_000,
    httpTimeoutMs: 1_000,
    labels: [],
    templates: { serviceUrl: none, headers: none, mapping: none },
    topoIndex: 1,
    level: 0,
  };
}

const extract = (outputs: string[], body: string, mapping: Record<string, string> | null = null) =>
  extractOutputs(step(outputs, mapping), parseResponseBody({ body }));

describe('parseResponseBody', () => {
  it('parses JSON bodies and keeps anything else as text', () => {
    expect(parseResponseBody({ body: ' {"a":[1,2]} ' })).toEqual({ a: [1, 2] });
    expect(parseResponseBody({ body: '42' })).toBe(42);
    expect(parseResponseBody({ body: 'null' })).toBeNull();
    expect(parseResponseBody({ body: 'plain words' })).toBe('plain words');
    expect(parseResponseBody({ body: '{broken' })).toBe('{broken');
    expect(parseResponseBody({ body: 'nothing like json' })).toBe('nothing like json');
    expect(parseResponseBody({ body: '' })).toBe('');
  });
});

describe('extractOutputs', () => {
  it('rule 1: output_mapping reads its path from the parsed response', () => {
    const body = JSON.stringify({ data: { items: [{ label: 'pos' }] }, label: 'ignored' });
    expect(extract(['label'], body, { label: 'data.items[0].label' })).toEqual({ label: 'pos' });
  });

  it('rule 1: a path that finds nothing throws a TemplateError naming output and path', () => {
    const attempt = () =>
      extract(['label'], '{"data":{},"other":1}', { label: 'data.items[0].label' });
    expect(attempt).toThrow(TemplateError);
    expect(attempt).toThrow(
      '/output_mapping/label: path "data.items[0].label" for output "label" of step "classify" found nothing in the response, which is an object with keys "data", "other"',
    );
  });

  it('rule 2: an Anthropic reply gives its text, kept as text even when it looks like JSON', () => {
    const body = JSON.stringify({
      content: [{ type: 'text', text: '{"summary":"x"}' }],
      summary: 'no',
    });
    expect(extract(['summary'], body)).toEqual({ summary: '{"summary":"x"}' });
  });

  it('rule 3: an OpenAI reply with JSON content continues with that value', () => {
    const content = JSON.stringify({ sentiment: 'positive', score: 0.9 });
    const body = JSON.stringify({ choices: [{ message: { role: 'assistant', content } }] });
    expect(extract(['sentiment', 'analysis'], body)).toEqual({
      sentiment: 'positive',
      analysis: { sentiment: 'positive', score: 0.9 },
    });
  });

  it('rule 3: an OpenAI reply with plain content gives the text', () => {
    const body = JSON.stringify({ choices: [{ message: { content: 'It is positive.' } }] });
    expect(extract(['answer'], body)).toEqual({ answer: 'It is positive.' });
  });

  it('rule 3 does not apply when the content is not a string', () => {
    const body = JSON.stringify({ choices: [{ message: { content: null, tool_calls: [] } }] });
    expect(extract(['choices'], body)).toEqual({
      choices: [{ message: { content: null, tool_calls: [] } }],
    });
  });

  it('rule 4: an object with a key equal to the output name gives that value', () => {
    expect(extract(['score'], '{"score":0.7,"label":"x"}')).toEqual({ score: 0.7 });
  });

  it('rule 5: otherwise the whole parsed value, or the text of a non-JSON body', () => {
    expect(extract(['result'], '{"label":"x"}')).toEqual({ result: { label: 'x' } });
    expect(extract(['result'], '[1,2]')).toEqual({ result: [1, 2] });
    expect(extract(['result'], 'just text')).toEqual({ result: 'just text' });
  });

  it('mixes mapped and unmapped outputs of one step', () => {
    const body = JSON.stringify({ a: 1, nested: { b: 2 } });
    expect(extract(['a', 'b'], body, { b: 'nested.b' })).toEqual({ a: 1, b: 2 });
  });

  it('reads only own keys, so an output named like an Object method is the whole value', () => {
    expect(extract(['constructor'], '{"x":1}')).toEqual({ constructor: { x: 1 } });
  });
});
