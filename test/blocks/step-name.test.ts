import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseWorkflowLabel, toSnakeCase } from '../../src/blocks/index.js';
import { makeUnique } from '../../src/blocks/step-name.js';

describe('toSnakeCase', () => {
  it.each([
    ['Sentiment Analysis', 'sentiment_analysis'],
    ['  GPT-4 summary (v2)!', 'gpt_4_summary_v2'],
    ['summarizeHTTPResponse', 'summarize_http_response'],
    ['Résumé Extraction', 'resume_extraction'],
    ['Übersetzung ins Deutsche', 'ubersetzung_ins_deutsche'],
    ['情感 分析', '情感_分析'],
    ['🚀 !!!', 'step'],
    ['', 'step'],
  ])('turns %j into %j', (title, expected) => {
    expect(toSnakeCase(title)).toBe(expected);
  });

  it('always gives lower-case words joined by single underscores', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (title) => {
        const name = toSnakeCase(title);
        expect(name).toMatch(/^[\p{L}\p{N}]+(_[\p{L}\p{N}]+)*$/u);
        expect(name).toBe(name.toLowerCase());
      }),
    );
  });
});

describe('makeUnique', () => {
  it('keeps a name its own title gives and suffixes only the repeats', () => {
    expect(makeUnique(['a', 'a', 'a_2', 'b', 'a'])).toEqual(['a', 'a_3', 'a_2', 'b', 'a_4']);
  });

  it('never gives two entries the same name and keeps every first holder', () => {
    const names = fc.array(fc.constantFrom('a', 'a_2', 'a_3', 'b', 'b_2', 'a_2_2'), {
      maxLength: 30,
    });
    fc.assert(
      fc.property(names, (input) => {
        const output = makeUnique(input);
        expect(new Set(output).size).toBe(output.length);
        input.forEach((name, index) => {
          if (input.indexOf(name) === index) expect(output[index]).toBe(name);
          else expect(output[index]?.startsWith(`${name}_`)).toBe(true);
        });
      }),
    );
  });
});

describe('parseWorkflowLabel', () => {
  it('reads the workflow name, which may hold colons, and the index', () => {
    expect(parseWorkflowLabel('workflow:analysis:12')).toEqual({
      label: 'workflow:analysis:12',
      name: 'analysis',
      index: 12,
    });
    expect(parseWorkflowLabel('workflow:team:flow:0')?.name).toBe('team:flow');
  });

  it.each([
    'depends_on',
    'workflow:analysis:result',
    'workflow::1',
    'workflow:1',
    'workflow:a:-1',
    'workflow:a:',
  ])('treats %j as no position label', (label) => {
    expect(parseWorkflowLabel(label)).toBeUndefined();
  });
});
