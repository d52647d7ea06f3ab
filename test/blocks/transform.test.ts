import { describe, expect, it } from 'vitest';
import { WorkflowEngineError } from '../../src/core/errors.js';
import {
  BlockTransformError,
  transformBlocks,
  transformBlocksToPayload,
  type ObjSpaceBlock,
} from '../../src/blocks/index.js';

/** An api_config block of workflow `analysis` at `index`. */
function apiBlock(
  blockId: string,
  title: string,
  index: number,
  extra: { dependsOn?: string; data?: Record<string, unknown>; workflow?: string } = {},
): ObjSpaceBlock {
  const label = `workflow:${extra.workflow ?? 'analysis'}:${index}`;
  return {
    blockId,
    title,
    content: {
      type: 'api_config',
      data: {
        service_url: `https://api.example.com/${blockId}`,
        method: 'POST',
        headers: { Authorization: 'Bearer {{secrets.KEY}}' },
        body_template: { text: '{{original_input}}' },
        ...extra.data,
      },
    },
    labels: {
      [label]: label,
      ...(extra.dependsOn === undefined ? {} : { depends_on: extra.dependsOn }),
    },
  };
}

function transformError(run: () => unknown): BlockTransformError {
  try {
    run();
  } catch (error) {
    if (error instanceof BlockTransformError) return error;
    throw error;
  }
  throw new Error('expected a BlockTransformError');
}

describe('transformBlocksToPayload', () => {
  it('turns the seed README example block into the step it shows', () => {
    const blocks: ObjSpaceBlock[] = [
      apiBlock('block-122', 'Fetch Text', 0),
      {
        blockId: 'block-123',
        title: 'Sentiment Analysis',
        content: {
          type: 'api_config',
          data: {
            service_url: 'https://api.openai.com/v1/chat/completions',
            method: 'POST',
            headers: { Authorization: 'Bearer {{secrets.OPENAI_API_KEY}}' },
            body_template: { model: 'gpt-4o-mini', input: '{{fetch_text_result}}' },
            outputs: ['sentiment_result'],
          },
        },
        labels: {
          'workflow:analysis:1': 'workflow:analysis:1',
          depends_on: 'workflow:analysis:0',
        },
      },
    ];

    const payload = transformBlocksToPayload('my-workspace', 'workflow-123', blocks);

    expect(payload.workflow_id).toBe('workflow-123');
    expect(payload.namespace).toBe('my-workspace');
    expect(payload.workflow_name).toBe('analysis');
    expect(payload.STEPS_CONFIG[1]).toEqual({
      step_name: 'sentiment_analysis',
      usid: 'block-123',
      service_url: 'https://api.openai.com/v1/chat/completions',
      method: 'POST',
      dependencies: ['workflow:analysis:0'],
      outputs: ['sentiment_result'],
      headers: { Authorization: 'Bearer {{secrets.OPENAI_API_KEY}}' },
      input_prep_config: {
        type: 'json',
        mapping: { model: 'gpt-4o-mini', input: '{{fetch_text_result}}' },
      },
      labels: ['workflow:analysis:1'],
    });
    expect(payload.STEPS_CONFIG[0]).toMatchObject({
      step_name: 'fetch_text',
      usid: 'block-122',
      dependencies: [],
      outputs: ['fetch_text_result'],
      labels: ['workflow:analysis:0'],
    });
  });

  it('derives the outputs from the step name when the block lists none', () => {
    const payload = transformBlocksToPayload('ns', 'wf', [apiBlock('b1', 'Sentiment Analysis', 0)]);
    expect(payload.STEPS_CONFIG[0]?.outputs).toEqual(['sentiment_analysis_result']);
  });

  it('orders steps by workflow index, not by the order of the blocks', () => {
    const payload = transformBlocksToPayload('ns', 'wf', [
      apiBlock('c', 'Third', 10),
      apiBlock('a', 'First', 0),
      apiBlock('b', 'Second', 2),
    ]);
    expect(payload.STEPS_CONFIG.map((step) => step.usid)).toEqual(['a', 'b', 'c']);
  });

  it('splits depends_on at commas, trims and drops repeats', () => {
    const payload = transformBlocksToPayload('ns', 'wf', [
      apiBlock('a', 'A', 0),
      apiBlock('b', 'B', 1),
      apiBlock('j', 'Join', 2, {
        dependsOn: ' workflow:analysis:0 ,workflow:analysis:1,, workflow:analysis:0',
      }),
    ]);
    expect(payload.STEPS_CONFIG[2]?.dependencies).toEqual([
      'workflow:analysis:0',
      'workflow:analysis:1',
    ]);
  });

  it('keeps selection_ names in depends_on as selection dependencies', () => {
    const payload = transformBlocksToPayload('ns', 'wf', [
      apiBlock('r', 'Router', 0),
      apiBlock('x', 'Branch', 1, { dependsOn: 'workflow:analysis:0, selection_route' }),
    ]);
    expect(payload.STEPS_CONFIG[1]?.dependencies).toEqual([
      'workflow:analysis:0',
      'selection_route',
    ]);
  });

  it('makes colliding step names unique in workflow order', () => {
    const payload = transformBlocksToPayload('ns', 'wf', [
      apiBlock('a', 'Sentiment Analysis', 0),
      apiBlock('b', 'sentiment-analysis', 1),
      apiBlock('c', 'Sentiment  Analysis!', 2),
    ]);
    expect(payload.STEPS_CONFIG.map((step) => step.step_name)).toEqual([
      'sentiment_analysis',
      'sentiment_analysis_2',
      'sentiment_analysis_3',
    ]);
    expect(payload.STEPS_CONFIG.map((step) => step.outputs[0])).toEqual([
      'sentiment_analysis_result',
      'sentiment_analysis_2_result',
      'sentiment_analysis_3_result',
    ]);
  });

  it('leaves out foreign-workflow and non-api blocks with one warning listing them', () => {
    const warnings: string[] = [];
    const blocks: ObjSpaceBlock[] = [
      apiBlock('a', 'A', 0),
      apiBlock('o', 'Other Flow', 0, { workflow: 'other' }),
      {
        blockId: 'n-1',
        title: 'Notes',
        content: { type: 'text', data: 'hello' },
        labels: { 'workflow:analysis:5': '' },
      },
      { blockId: 'loose', title: 'Loose', content: { type: 'text' } },
      {
        blockId: 'odd',
        title: 'Odd',
        content: { type: 'text' },
        labels: 'x',
      } as unknown as ObjSpaceBlock,
    ];

    const { payload, warnings: returned } = transformBlocks('ns', 'wf', blocks, {
      workflowName: 'analysis',
      onWarning: (message) => warnings.push(message),
    });

    expect(payload.STEPS_CONFIG.map((step) => step.usid)).toEqual(['a']);
    expect(returned).toEqual(warnings);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toBe(
      '4 of 5 blocks left out of workflow "analysis": block "o" (Other Flow) belongs to workflow ' +
        '"other"; block "n-1" (Notes) is not api_config (content type "text"); block "loose" ' +
        '(Loose) has no workflow label; block "odd" (Odd) has labels that are not an object ' +
        '(got "x")',
    );
  });

  it('raises no warning when every block becomes a step', () => {
    const warnings: string[] = [];
    const result = transformBlocks('ns', 'wf', [apiBlock('a', 'A', 0)], {
      onWarning: (message) => warnings.push(message),
    });
    expect(result.warnings).toEqual([]);
    expect(warnings).toEqual([]);
  });

  it('fills workflow_name, original_input, input_data and PIPELINE_SETTINGS from the options', () => {
    const pipelineSettings = { error_handling: { max_retries: 0 }, final_output: 'a_result' };
    const payload = transformBlocksToPayload(
      'ns',
      'wf',
      [apiBlock('a', 'A', 0, { workflow: 'main' }), apiBlock('z', 'Z', 0, { workflow: 'side' })],
      {
        workflowName: 'main',
        originalInput: { text: 'hi' },
        inputData: { lang: 'en' },
        pipelineSettings,
      },
    );
    expect(payload).toMatchObject({
      workflow_name: 'main',
      original_input: { text: 'hi' },
      input_data: { lang: 'en' },
      PIPELINE_SETTINGS: pipelineSettings,
    });
    expect(payload.STEPS_CONFIG.map((step) => step.usid)).toEqual(['a']);
  });

  it('copies the optional step settings and upper-cases the method', () => {
    const payload = transformBlocksToPayload('ns', 'wf', [
      apiBlock('a', 'A', 0, {
        data: {
          method: 'get',
          output_mapping: { a_result: 'choices[0].message.content' },
          trigger_rule: 'all_done',
          max_retries: 1,
          retry_delay: 0.5,
          timeout: 20,
          http_timeout: 10,
          description: 'free text',
          body_template: undefined,
        },
      }),
    ]);
    expect(payload.STEPS_CONFIG[0]).toMatchObject({
      method: 'GET',
      output_mapping: { a_result: 'choices[0].message.content' },
      trigger_rule: 'all_done',
      max_retries: 1,
      retry_delay: 0.5,
      timeout: 20,
      http_timeout: 10,
      description: 'free text',
      input_prep_config: { type: 'json' },
    });
  });
});

describe('transformBlocks errors', () => {
  it('names the block and the field of a missing service_url', () => {
    const error = transformError(() =>
      transformBlocksToPayload('ns', 'wf', [
        apiBlock('b-7', 'Summarize', 0, { data: { service_url: undefined } }),
      ]),
    );
    expect(error.message).toBe('block "b-7" (Summarize): content.data.service_url is required');
    expect(error.code).toBe('INVALID_PAYLOAD');
    expect(error).toBeInstanceOf(WorkflowEngineError);
    expect(error.issues).toEqual([
      {
        blockId: 'b-7',
        title: 'Summarize',
        index: 0,
        field: 'content.data.service_url',
        message: 'block "b-7" (Summarize): content.data.service_url is required',
      },
    ]);
  });

  it('names both the block and the label when depends_on names no block of the workflow', () => {
    const error = transformError(() =>
      transformBlocksToPayload('ns', 'wf', [
        apiBlock('a', 'A', 0),
        apiBlock('b-2', 'Summarize', 1, { dependsOn: 'workflow:analysis:0,workflow:analysis:9' }),
      ]),
    );
    expect(error.message).toBe(
      'block "b-2" (Summarize): labels.depends_on names "workflow:analysis:9", which is no block ' +
        'of workflow "analysis"',
    );
  });

  it('says when depends_on names a block that is not api_config', () => {
    const error = transformError(() =>
      transformBlocksToPayload('ns', 'wf', [
        {
          blockId: 'n',
          title: 'Notes',
          content: { type: 'text' },
          labels: { 'workflow:analysis:0': '' },
        },
        apiBlock('a', 'A', 1, { dependsOn: 'workflow:analysis:0' }),
      ]),
    );
    expect(error.message).toBe(
      'block "a" (A): labels.depends_on names "workflow:analysis:0", the label of block "n" ' +
        '(Notes), which is not an api_config block',
    );
  });

  it.each([
    [
      'service_url that is not http(s)',
      { service_url: 'ftp://x' },
      'content.data.service_url must be an http(s) URL, got "ftp://x"',
    ],
    [
      'service_url of the wrong type',
      { service_url: 42 },
      'content.data.service_url must be a string, got 42',
    ],
    [
      'unknown method',
      { method: 'FETCH' },
      'content.data.method must be one of GET, POST, PUT, PATCH, DELETE, got "FETCH"',
    ],
    [
      'header that is not a string',
      { headers: { 'X-N': 5 } },
      'content.data.headers.X-N must be a string, got 5',
    ],
    [
      'headers that are not an object',
      { headers: 'x' },
      'content.data.headers must be an object of strings, got "x"',
    ],
    [
      'empty outputs',
      { outputs: [] },
      'content.data.outputs must be a non-empty array of names, got an array',
    ],
    [
      'output that is not a name',
      { outputs: ['ok', ''] },
      'content.data.outputs[1] must be a non-empty string, got ""',
    ],
    [
      'unknown trigger rule',
      { trigger_rule: 'sometimes' },
      'content.data.trigger_rule must be one of all_success, none_failed_min_one_success, one_success, all_done, got "sometimes"',
    ],
    [
      'negative max_retries',
      { max_retries: -1 },
      'content.data.max_retries must be an integer >= 0, got -1',
    ],
    [
      'negative timeout',
      { timeout: -2 },
      'content.data.timeout must be a number of seconds >= 0, got -2',
    ],
    [
      'description of the wrong type',
      { description: 3 },
      'content.data.description must be a string, got 3',
    ],
    [
      'output_mapping entry that is not a string',
      { output_mapping: { a: 1 } },
      'content.data.output_mapping.a must be a string, got 1',
    ],
  ])('rejects a block with a %s', (_what, data, problem) => {
    const error = transformError(() =>
      transformBlocksToPayload('ns', 'wf', [apiBlock('b-1', 'Call', 0, { data })]),
    );
    expect(error.message).toBe(`block "b-1" (Call): ${problem}`);
  });

  it('rejects content data that is not an object', () => {
    const block: ObjSpaceBlock = {
      blockId: 'b-1',
      title: 'Call',
      content: { type: 'api_config', data: 'https://x' },
      labels: { 'workflow:analysis:0': '' },
    };
    expect(() => transformBlocksToPayload('ns', 'wf', [block])).toThrow(
      'block "b-1" (Call): content.data must be an object, got "https://x"',
    );
  });

  it('rejects a blockId that cannot be a usid, naming the block by position', () => {
    const error = transformError(() =>
      transformBlocksToPayload('ns', 'wf', [apiBlock('a', 'A', 0), apiBlock('bad id', 'B', 1)]),
    );
    expect(error.message).toBe(
      'block "bad id" (B): blockId must be 1 to 64 of A-Z a-z 0-9 _ . : - (it becomes the ' +
        'step\'s usid), got "bad id"',
    );
    const missing = transformError(() =>
      transformBlocksToPayload('ns', 'wf', [{ ...apiBlock('x', 'B', 0), blockId: '' }]),
    );
    expect(missing.message).toMatch(/^blocks\[0\] \(B\): blockId must be/);
  });

  it('rejects two blocks with the same blockId', () => {
    const error = transformError(() =>
      transformBlocksToPayload('ns', 'wf', [apiBlock('a', 'First', 0), apiBlock('a', 'Second', 1)]),
    );
    expect(error.message).toBe(
      'block "a" (Second): blockId is also the blockId of blocks[0] (First)',
    );
  });

  it('rejects a block without a title', () => {
    const error = transformError(() =>
      transformBlocksToPayload('ns', 'wf', [apiBlock('a', '  ', 0)]),
    );
    expect(error.message).toBe(
      'block "a" (  ): title is required (it gives the step\'s name), got "  "',
    );
  });

  it('rejects two blocks at the same workflow position', () => {
    const error = transformError(() =>
      transformBlocksToPayload('ns', 'wf', [apiBlock('a', 'A', 1), apiBlock('b', 'B', 1)]),
    );
    expect(error.message).toBe(
      'block "b" (B): labels give "workflow:analysis:1", already the label of block "a" (A)',
    );
  });

  it('rejects a block placed twice in the workflow', () => {
    const block = apiBlock('a', 'A', 0);
    block.labels = { ...block.labels, 'workflow:analysis:3': '' };
    expect(() => transformBlocksToPayload('ns', 'wf', [block])).toThrow(
      'block "a" (A): labels place the block in workflow "analysis" more than once ("workflow:analysis:0", "workflow:analysis:3")',
    );
  });

  it('rejects two blocks producing the same output', () => {
    const error = transformError(() =>
      transformBlocksToPayload('ns', 'wf', [
        apiBlock('a', 'Summary', 0),
        apiBlock('b', 'Other', 1, { data: { outputs: ['summary_result'] } }),
      ]),
    );
    expect(error.message).toBe(
      'block "b" (Other): content.data.outputs gives "summary_result", already an output of block "a" (Summary)',
    );
  });

  it('rejects a depends_on that is not a string', () => {
    const block = apiBlock('a', 'A', 1);
    const labels: Record<string, unknown> = {
      ...block.labels,
      depends_on: ['workflow:analysis:0'],
    };
    expect(() =>
      transformBlocksToPayload('ns', 'wf', [
        apiBlock('z', 'Z', 0),
        { ...block, labels } as ObjSpaceBlock,
      ]),
    ).toThrow(
      'block "a" (A): labels.depends_on must be a comma-separated string of workflow labels, got an array',
    );
  });

  it('rejects a member block whose content names no type', () => {
    const block = { ...apiBlock('a', 'A', 0), content: null } as unknown as ObjSpaceBlock;
    expect(() => transformBlocksToPayload('ns', 'wf', [block])).toThrow(
      'block "a" (A): content must name the content type, got null',
    );
  });

  it('asks for workflowName when the blocks belong to several workflows', () => {
    expect(() =>
      transformBlocksToPayload('ns', 'wf', [
        apiBlock('a', 'A', 0, { workflow: 'one' }),
        apiBlock('b', 'B', 0, { workflow: 'two' }),
      ]),
    ).toThrow(
      'options.workflowName is required: the blocks belong to several workflows ("one", "two")',
    );
  });

  it('rejects blocks without any workflow label', () => {
    expect(() =>
      transformBlocksToPayload('ns', 'wf', [
        { blockId: 'a', title: 'A', content: { type: 'api_config' } },
      ]),
    ).toThrow(
      'blocks carry no workflow label (workflow:<name>:<index>), so no block belongs to a workflow',
    );
  });

  it('rejects a workflow without api_config blocks', () => {
    expect(() =>
      transformBlocksToPayload('ns', 'wf', [apiBlock('a', 'A', 0)], { workflowName: 'missing' }),
    ).toThrow('blocks hold no api_config block of workflow "missing"');
  });

  it('rejects an empty namespace, workflow id, and entries that are not blocks', () => {
    const error = transformError(() =>
      transformBlocksToPayload(
        '',
        7 as unknown as string,
        [null, apiBlock('a', 'A', 0)] as ObjSpaceBlock[],
      ),
    );
    expect(error.issues.map((issue) => issue.message)).toEqual([
      'namespace must be a non-empty string, got ""',
      'workflowId must be a non-empty string, got 7',
      'blocks[0] must be a block object, got null',
    ]);
  });

  it('rejects blocks that are not an array', () => {
    expect(() => transformBlocksToPayload('ns', 'wf', {} as ObjSpaceBlock[])).toThrow(
      'blocks must be an array, got an object',
    );
  });

  it('reports every bad block at once and quotes at most five in the message', () => {
    const blocks = Array.from({ length: 7 }, (_, index) =>
      apiBlock(`b${index}`, `Step ${index}`, index, { data: { service_url: '' } }),
    );
    const error = transformError(() => transformBlocksToPayload('ns', 'wf', blocks));
    expect(error.issues).toHaveLength(7);
    expect(error.message.endsWith('; and 2 more')).toBe(true);
    expect(error.message.split('; ')).toHaveLength(6);
  });
});
