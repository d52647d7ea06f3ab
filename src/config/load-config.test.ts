import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_WEBHOOK_FLUSH_BUDGET_MS as NOTIFIER_FLUSH_BUDGET_MS,
  DEFAULT_WEBHOOK_MAX_ATTEMPTS as NOTIFIER_MAX_ATTEMPTS,
} from '../adapters/notifier/webhook/index.js';
import { DEFAULT_KEY_PREFIX, DEFAULT_RUN_TTL_SECONDS } from '../adapters/storage/index.js';
import { DEFAULT_MAX_CONCURRENT_RUNS as SERVICE_MAX_RUNS } from '../app/run-service.js';
import { DEFAULT_MAX_RESPONSE_BYTES as LIBRARY_MAX_RESPONSE_BYTES } from '../app/execute-workflow.js';
import { ConfigError } from '../core/errors.js';
import { DEFAULT_VALIDATION_LIMITS } from '../core/payload/index.js';
import { CONFIG_SETTINGS, loadConfig, redactConfig } from './index.js';
import {
  DEFAULT_MAX_CONCURRENT_RUNS,
  DEFAULT_MAX_RESPONSE_BYTES,
  DEFAULT_STORE_KEY_PREFIX,
  DEFAULT_STORE_TTL_SECONDS,
  DEFAULT_WEBHOOK_FLUSH_BUDGET_MS,
  DEFAULT_WEBHOOK_MAX_ATTEMPTS,
} from './schema.js';

const scratch = mkdtempSync(join(tmpdir(), 'wfe-config-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    const details = (error as ConfigError).details as { problems: { message: string }[] };
    return details.problems.map((problem) => problem.message);
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('gives the documented defaults with an empty environment', () => {
    const config = loadConfig({ env: {}, isTty: false });
    expect(config.server).toEqual({
      host: '127.0.0.1',
      port: 8000,
      bodyLimitBytes: 5 * 1024 * 1024,
      apiToken: null,
      maxConcurrentRuns: 200,
      shutdownGraceMs: 30_000,
      sseHeartbeatMs: 15_000,
      logLevel: 'info',
      prettyLogs: false,
    });
    expect(config.storage).toMatchObject({ kind: 'memory', ttlSeconds: 3600, keyPrefix: 'wfe' });
    expect(config.executor.maxResponseBytes).toBe(10 * 1024 * 1024);
    expect(config.webhooks).toEqual({ flushBudgetMs: 2000, maxAttempts: 5 });
    expect(config.limits).toEqual(DEFAULT_VALIDATION_LIMITS);
    expect(config.secrets).toEqual({ values: {}, file: null });
  });

  it('keeps its defaults equal to those of the components it configures', () => {
    expect(DEFAULT_MAX_CONCURRENT_RUNS).toBe(SERVICE_MAX_RUNS);
    expect(DEFAULT_MAX_RESPONSE_BYTES).toBe(LIBRARY_MAX_RESPONSE_BYTES);
    expect(DEFAULT_WEBHOOK_FLUSH_BUDGET_MS).toBe(NOTIFIER_FLUSH_BUDGET_MS);
    expect(DEFAULT_WEBHOOK_MAX_ATTEMPTS).toBe(NOTIFIER_MAX_ATTEMPTS);
    expect(DEFAULT_STORE_TTL_SECONDS).toBe(DEFAULT_RUN_TTL_SECONDS);
    expect(DEFAULT_STORE_KEY_PREFIX).toBe(DEFAULT_KEY_PREFIX);
  });

  it('returns a deeply frozen object', () => {
    const config = loadConfig({ env: {} });
    expect(Object.isFrozen(config)).toBe(true);
    for (const section of Object.values(config)) expect(Object.isFrozen(section)).toBe(true);
    expect(Object.isFrozen(config.secrets.values)).toBe(true);
  });

  it('lets the environment override defaults and flags override the environment', () => {
    const env = {
      WFE_HOST: '0.0.0.0',
      WFE_PORT: '9000',
      WFE_LOG_LEVEL: 'debug',
      WFE_STORE: 'redis',
    };
    const fromEnv = loadConfig({ env });
    expect(fromEnv.server).toMatchObject({ host: '0.0.0.0', port: 9000, logLevel: 'debug' });
    expect(fromEnv.storage.kind).toBe('redis');
    const fromFlags = loadConfig({
      env,
      flags: { host: '127.0.0.2', port: '9100', logLevel: 'warn', store: 'memory' },
    });
    expect(fromFlags.server).toMatchObject({ host: '127.0.0.2', port: 9100, logLevel: 'warn' });
    expect(fromFlags.storage.kind).toBe('memory');
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ env: { WFE_PORT: '', ENGINE_API_TOKEN: '' } }).server).toMatchObject({
      port: 8000,
      apiToken: null,
    });
  });

  it('follows the terminal for pretty logs unless WFE_LOG_PRETTY says otherwise', () => {
    expect(loadConfig({ env: {}, isTty: true }).server.prettyLogs).toBe(true);
    expect(loadConfig({ env: { WFE_LOG_PRETTY: 'false' }, isTty: true }).server.prettyLogs).toBe(
      false,
    );
    expect(loadConfig({ env: { WFE_LOG_PRETTY: 'yes' }, isTty: false }).server.prettyLogs).toBe(
      true,
    );
  });

  it('chooses upstash, then redis, then memory from the credentials present, unless the store is named', () => {
    const upstash = { UPSTASH_REST_URL: 'https://example.upstash.io', UPSTASH_REST_TOKEN: 'tok' };
    const redis = { REDIS_URL: 'redis://127.0.0.1:6390' };
    expect(loadConfig({ env: {} }).storage.kind).toBe('memory');
    expect(loadConfig({ env: redis }).storage).toMatchObject({
      kind: 'redis',
      redisUrl: 'redis://127.0.0.1:6390',
    });
    expect(loadConfig({ env: { ...redis, ...upstash } }).storage).toMatchObject({
      kind: 'upstash',
      upstashRestUrl: 'https://example.upstash.io',
      upstashRestToken: 'tok',
    });
    expect(loadConfig({ env: { ...redis, ...upstash, WFE_STORE: 'memory' } }).storage.kind).toBe(
      'memory',
    );
    expect(loadConfig({ env: {}, flags: { store: 'redis' } }).storage).toMatchObject({
      kind: 'redis',
      redisUrl: 'redis://127.0.0.1:6379',
    });
  });

  it('refuses half an Upstash configuration and an upstash store without credentials', () => {
    expect(
      problemsOf(() => loadConfig({ env: { UPSTASH_REST_URL: 'https://x.upstash.io' } })),
    ).toEqual([
      'UPSTASH_REST_URL, UPSTASH_REST_TOKEN: both must be set to use the upstash store, got only UPSTASH_REST_URL',
    ]);
    const problems = problemsOf(() => loadConfig({ env: { WFE_STORE: 'upstash' } }));
    expect(problems).toHaveLength(2);
    expect(problems.join('\n')).toMatch(/UPSTASH_REST_URL: required/);
    expect(problems.join('\n')).toMatch(/UPSTASH_REST_TOKEN: required/);
  });

  it('lists every invalid setting at once, by the name the user set', () => {
    const problems = problemsOf(() =>
      loadConfig({
        env: {
          WFE_PORT: '70000',
          WFE_MAX_CONCURRENT_RUNS: '0',
          WFE_LOG_LEVEL: 'loud',
          WFE_STORE: 'disk',
          REDIS_URL: 'http://127.0.0.1:6379',
          WFE_LOG_PRETTY: 'maybe',
          WFE_LIMIT_MAX_STEPS: '1.5',
          WFE_WEBHOOK_FLUSH_BUDGET_MS: '-1',
        },
        flags: { host: '127.0.0.1' },
      }),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        'WFE_PORT (server.port) must be an integer from 0 to 65535, got "70000"',
        'WFE_MAX_CONCURRENT_RUNS (server.maxConcurrentRuns) must be an integer >= 1, got "0"',
        'WFE_LOG_LEVEL (server.logLevel) must be one of fatal, error, warn, info, debug, trace, silent, got "loud"',
        'WFE_STORE (storage.kind) must be one of memory, redis, upstash, got "disk"',
        'WFE_LOG_PRETTY (server.prettyLogs) must be true or false, got "maybe"',
        'WFE_LIMIT_MAX_STEPS (limits.maxSteps) must be an integer >= 1, got "1.5"',
        'WFE_WEBHOOK_FLUSH_BUDGET_MS (webhooks.flushBudgetMs) must be an integer from 0 to 86400000, got "-1"',
      ]),
    );
    // The Redis URL is a secret setting: its value is not echoed.
    expect(problems).toContain(
      'REDIS_URL (storage.redisUrl) must be an absolute redis:// or rediss:// URL, got [redacted]',
    );
    expect(problems).toHaveLength(8);
  });

  it('names the flag when a flag holds the bad value', () => {
    expect(
      problemsOf(() => loadConfig({ env: { WFE_PORT: '1' }, flags: { port: 'http' } })),
    ).toEqual(['--port (server.port) must be an integer from 0 to 65535, got "http"']);
  });

  it('reads WFE_SECRET_* variables and a secrets file, the file winning', () => {
    const file = join(scratch, 'secrets.json');
    writeFileSync(file, JSON.stringify({ OPENAI_API_KEY: 'from-file', OTHER: 'x' }));
    const config = loadConfig({
      env: { WFE_SECRET_OPENAI_API_KEY: 'from-env', WFE_SECRET_ANTHROPIC: 'a' },
      flags: { secretsFile: file },
    });
    expect(config.secrets).toEqual({
      values: { OPENAI_API_KEY: 'from-file', ANTHROPIC: 'a', OTHER: 'x' },
      file,
    });
  });

  it('reports an unreadable secrets file among the other problems', () => {
    const problems = problemsOf(() =>
      loadConfig({ env: { WFE_SECRETS_FILE: join(scratch, 'missing.json'), WFE_PORT: 'x' } }),
    );
    expect(problems).toHaveLength(2);
    expect(problems[1]).toMatch(
      /^WFE_SECRETS_FILE \/ --secrets-file: secrets file .*missing\.json: ENOENT/,
    );
  });
});

describe('redactConfig', () => {
  it('hides tokens, Redis passwords and secret values but keeps everything else', () => {
    const config = loadConfig({
      env: {
        ENGINE_API_TOKEN: 'api-token-value',
        REDIS_URL: 'redis://user:hunter2@127.0.0.1:6379/0',
        UPSTASH_REST_URL: 'https://x.upstash.io',
        UPSTASH_REST_TOKEN: 'upstash-token-value',
        WFE_STORE: 'redis',
        WFE_SECRET_OPENAI_API_KEY: 'sk-secret-value',
      },
    });
    const printed = JSON.stringify(redactConfig(config));
    for (const secret of ['api-token-value', 'hunter2', 'upstash-token-value', 'sk-secret-value']) {
      expect(printed).not.toContain(secret);
    }
    expect(redactConfig(config)).toMatchObject({
      server: { apiToken: '[redacted]', port: 8000 },
      storage: {
        kind: 'redis',
        redisUrl: 'redis://user:redacted@127.0.0.1:6379/0',
        upstashRestToken: '[redacted]',
      },
      secrets: { names: ['OPENAI_API_KEY'] },
    });
  });
});

describe.each(['docs/config.md', 'README.md'])('%s', (file) => {
  it('documents every setting with its variable, flag and default', () => {
    const doc = readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8');
    for (const setting of CONFIG_SETTINGS) {
      const line = doc.split('\n').find((text) => text.startsWith(`| \`${setting.env}\``));
      expect(line, setting.env).toBeDefined();
      expect(line).toContain(setting.defaultText);
      if (setting.flag !== null)
        expect(line).toContain(`--${setting.flag.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
    }
  });
});
