import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.js';
import { MAX_ISSUES, resolveWorkflow, validatePayload } from './index.js';
import { issuesOf, stepConfig } from '../../../test/helpers/dag-payloads.js';

function withSettings(settings: unknown, steps = [stepConfig('a')]): unknown {
  return { STEPS_CONFIG: steps, PIPELINE_SETTINGS: settings };
}

describe('unique names', () => {
  it('rejects a usid used twice, at the second use', () => {
    expect(
      issuesOf({ STEPS_CONFIG: [stepConfig('a'), stepConfig('a', { outputs: ['other'] })] }),
    ).toEqual([
      {
        path: '/STEPS_CONFIG/1/usid',
        code: 'duplicate_usid',
        message: 'usid "a" is already used by step "a" (/STEPS_CONFIG/0)',
      },
    ]);
  });

  it('rejects an output name that two steps produce', () => {
    expect(
      issuesOf({ STEPS_CONFIG: [stepConfig('a'), stepConfig('b', { outputs: ['x', 'a_out'] })] }),
    ).toEqual([
      {
        path: '/STEPS_CONFIG/1/outputs/1',
        code: 'duplicate_output',
        message: 'output "a_out" is already produced by step "a" (/STEPS_CONFIG/0)',
      },
    ]);
  });

  it('accepts an output listed twice by the same step', () => {
    expect(
      validatePayload({ STEPS_CONFIG: [stepConfig('a', { outputs: ['r', 'r'] })] }).valid,
    ).toBe(true);
  });
});

describe('URLs', () => {
  it.each([
    ['not a url', 'must be an absolute http(s) URL, got "not a url"'],
    [
      'ftp://files.example.com/x',
      'must use http or https, got "ftp" in "ftp://files.example.com/x"',
    ],
    [
      'https://api.example.com:99999/x/{{id}}',
      'must be an absolute http(s) URL, got "https://api.example.com:99999/x/1"',
    ],
  ])('rejects service_url %j', (url, message) => {
    expect(issuesOf({ STEPS_CONFIG: [stepConfig('a', { service_url: url })] })).toEqual([
      { path: '/STEPS_CONFIG/0/service_url', code: 'invalid_url', message },
    ]);
  });

  it.each([
    'https://api.example.com/items/{{item.id}}?q={{ query ?? "all" }}',
    'http://localhost:{{port}}/run',
    'https://{{host}}/run',
    '{{base_url}}/run',
    '{{ base_url }}',
  ])('accepts templated service_url %j', (url) => {
    expect(validatePayload({ STEPS_CONFIG: [stepConfig('a', { service_url: url })] }).valid).toBe(
      true,
    );
  });

  it('rejects a webhook_url that is not http(s) and accepts an empty one', () => {
    expect(
      issuesOf(withSettings({ notifications: { webhook_url: 'mailto:x@example.com' } })),
    ).toEqual([
      {
        path: '/PIPELINE_SETTINGS/notifications/webhook_url',
        code: 'invalid_url',
        message: 'must use http or https, got "mailto" in "mailto:x@example.com"',
      },
    ]);
    expect(validatePayload(withSettings({ notifications: { webhook_url: '' } })).valid).toBe(true);
  });
});

describe('templates', () => {
  it('reports a template syntax error at the string that holds it', () => {
    const issues = issuesOf({
      STEPS_CONFIG: [
        stepConfig('a', {
          headers: { Authorization: 'Bearer {{secrets.KEY' },
          input_prep_config: { mapping: { messages: [{ text: '{{ a..b }}' }] } },
        }),
      ],
    });
    expect(issues.map((issue) => [issue.path, issue.code])).toEqual([
      ['/STEPS_CONFIG/0/headers/Authorization', 'template_syntax'],
      ['/STEPS_CONFIG/0/input_prep_config/mapping/messages/0/text', 'template_syntax'],
    ]);
    for (const issue of issues) expect(issue.message).not.toMatch(/^\//);
  });

  it('limits the length of templated strings', () => {
    const text = `{{original_input}}${'x'.repeat(100)}`;
    const issues = issuesOf(
      { STEPS_CONFIG: [stepConfig('a', { input_prep_config: { mapping: text } })] },
      { maxTemplateLength: 50 },
    );
    expect(issues[0]?.path).toBe('/STEPS_CONFIG/0/input_prep_config/mapping');
    expect(issues[0]?.message).toContain('at most 50');
  });
});

describe('limits and times', () => {
  it('rejects more steps than the limit, and checks only the first ones', () => {
    const steps = [stepConfig('a'), stepConfig('b'), stepConfig('c', { method: 'FETCH' })];
    expect(issuesOf({ STEPS_CONFIG: steps }, { maxSteps: 2 })).toEqual([
      {
        path: '/STEPS_CONFIG',
        code: 'too_many_steps',
        message: 'must have at most 2 steps, got 3',
      },
    ]);
  });

  it('rejects too many dependencies, retries, parallel steps and too long times', () => {
    const limits = {
      maxDependenciesPerStep: 1,
      maxRetries: 3,
      maxDurationSeconds: 60,
      maxParallelSteps: 4,
    };
    const issues = issuesOf(
      withSettings(
        {
          error_handling: { max_retries: 4, retry_delay: 61, max_retry_delay: 61 },
          timeouts: { step_timeout: 61, http_timeout: 60, total_pipeline_timeout: 3600 },
          concurrency: { max_parallel_steps: 5 },
        },
        [
          stepConfig('a'),
          stepConfig('b', {
            dependencies: ['a', 'a_out'],
            max_retries: 9,
            timeout: 61,
            retry_delay: 60,
          }),
        ],
      ),
      limits,
    );
    expect(issues.map((issue) => [issue.path, issue.code, issue.message])).toEqual([
      [
        '/STEPS_CONFIG/1/dependencies',
        'too_many_dependencies',
        'must have at most 1 dependencies, got 2',
      ],
      ['/STEPS_CONFIG/1/max_retries', 'too_many_retries', 'must be at most 3, got 9'],
      ['/STEPS_CONFIG/1/timeout', 'duration_too_long', 'must be at most 60 seconds, got 61'],
      [
        '/PIPELINE_SETTINGS/error_handling/max_retries',
        'too_many_retries',
        'must be at most 3, got 4',
      ],
      [
        '/PIPELINE_SETTINGS/error_handling/retry_delay',
        'duration_too_long',
        'must be at most 60 seconds, got 61',
      ],
      [
        '/PIPELINE_SETTINGS/error_handling/max_retry_delay',
        'duration_too_long',
        'must be at most 60 seconds, got 61',
      ],
      [
        '/PIPELINE_SETTINGS/timeouts/step_timeout',
        'duration_too_long',
        'must be at most 60 seconds, got 61',
      ],
      [
        '/PIPELINE_SETTINGS/timeouts/total_pipeline_timeout',
        'duration_too_long',
        'must be at most 60 seconds, got 3600',
      ],
      [
        '/PIPELINE_SETTINGS/concurrency/max_parallel_steps',
        'too_many_parallel_steps',
        'must be at most 4, got 5',
      ],
    ]);
  });

  it('uses the default limits when none are given', () => {
    expect(issuesOf({ STEPS_CONFIG: [stepConfig('a', { max_retries: 21 })] })[0]?.message).toBe(
      'must be at most 20, got 21',
    );
    expect(validatePayload({ STEPS_CONFIG: [stepConfig('a', { max_retries: 20 })] }).valid).toBe(
      true,
    );
  });

  it('uses the default of a limit given as undefined', () => {
    const payload = { STEPS_CONFIG: [stepConfig('a'), stepConfig('b')] };
    expect(validatePayload(payload, { maxSteps: undefined }).valid).toBe(true);
  });

  it('rejects zero timeouts but accepts zero delays', () => {
    const issues = issuesOf(
      withSettings({ timeouts: { http_timeout: 0 }, error_handling: { retry_delay: 0 } }, [
        stepConfig('a', { timeout: 0, retry_delay: 0 }),
      ]),
    );
    expect(issues).toEqual([
      {
        path: '/STEPS_CONFIG/0/timeout',
        code: 'not_positive',
        message: 'must be greater than 0 seconds, got 0',
      },
      {
        path: '/PIPELINE_SETTINGS/timeouts/http_timeout',
        code: 'not_positive',
        message: 'must be greater than 0 seconds, got 0',
      },
    ]);
  });
});

describe('settings', () => {
  it('rejects unknown event names', () => {
    expect(
      issuesOf(
        withSettings({
          notifications: {
            webhook_url: 'https://hooks.example.com',
            events: ['step_completed', 'step_done'],
          },
        }),
      ),
    ).toEqual([
      {
        path: '/PIPELINE_SETTINGS/notifications/events/1',
        code: 'unknown_event',
        message:
          'must be "*" or one of workflow_started, step_started, step_retrying, step_completed, ' +
          'step_failed, step_aborted, workflow_completed, workflow_failed, got "step_done"',
      },
    ]);
  });

  it('requires final_output to name an output or an input', () => {
    expect(issuesOf(withSettings({ final_output: 'missing' }))).toEqual([
      {
        path: '/PIPELINE_SETTINGS/final_output',
        code: 'unknown_final_output',
        message: 'must name an output of a step or an input_data key, got "missing"',
      },
    ]);
    for (const finalOutput of ['a_out', 'doc', 'original_input']) {
      const payload = {
        input_data: { doc: 1 },
        ...(withSettings({ final_output: finalOutput }) as object),
      };
      expect(validatePayload(payload).valid).toBe(true);
    }
  });
});

describe('reporting', () => {
  it('reports structural and semantic problems together', () => {
    const issues = issuesOf({
      STEPS_CONFIG: [
        stepConfig('a', { method: 'FETCH' }),
        stepConfig('a', { dependencies: ['nothing'] }),
      ],
    });
    expect(issues.map((issue) => issue.code).sort()).toEqual([
      'duplicate_output',
      'duplicate_usid',
      'enum',
      'unknown_dependency',
    ]);
  });

  it('caps the number of issues and says how many were left out', () => {
    const steps = Array.from({ length: MAX_ISSUES + 10 }, () => 'junk');
    const issues = issuesOf({ STEPS_CONFIG: steps });
    expect(issues).toHaveLength(MAX_ISSUES + 1);
    expect(issues[MAX_ISSUES]).toEqual({
      path: '',
      code: 'too_many_issues',
      message: 'more problems were found and not listed',
    });
  });

  it('resolveWorkflow throws a ValidationError with every issue', () => {
    const payload = { STEPS_CONFIG: [stepConfig('a', { dependencies: ['x', 'y'] })] };
    const error = (() => {
      try {
        resolveWorkflow(payload);
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).code).toBe('INVALID_PAYLOAD');
    expect((error as ValidationError).validationErrors).toEqual([
      expect.stringMatching(/^\/STEPS_CONFIG\/0\/dependencies\/0: unknown dependency "x"/),
      expect.stringMatching(/^\/STEPS_CONFIG\/0\/dependencies\/1: unknown dependency "y"/),
    ]);
    expect(resolveWorkflow({ STEPS_CONFIG: [stepConfig('a')] }).steps).toHaveLength(1);
  });
});
