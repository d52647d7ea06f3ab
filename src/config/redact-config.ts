import type { EngineConfig } from './schema.js';

const REDACTED = '[redacted]';

/**
 * A copy of `config` that is safe to print or log: the API token, the Upstash token and the
 * password in the Redis URL are replaced by `[redacted]`, and secrets are listed by name only.
 */
export function redactConfig(config: EngineConfig): Record<string, unknown> {
  return {
    server: { ...config.server, apiToken: config.server.apiToken === null ? null : REDACTED },
    storage: {
      ...config.storage,
      redisUrl: redactUrlCredentials(config.storage.redisUrl),
      upstashRestToken: config.storage.upstashRestToken === null ? null : REDACTED,
    },
    executor: { ...config.executor },
    webhooks: { ...config.webhooks },
    limits: { ...config.limits },
    secrets: { names: Object.keys(config.secrets.values).sort(), file: config.secrets.file },
  };
}

/** The URL with its password (and a user name that may be a token) replaced. */
function redactUrlCredentials(text: string): string {
  try {
    const url = new URL(text);
    if (url.password === '' && url.username === '') return text;
    // Brackets would be percent-encoded inside a URL.
    if (url.password !== '') url.password = 'redacted';
    else url.username = 'redacted';
    return url.toString();
  } catch {
    return REDACTED;
  }
}
