/**
 * Where `{{secrets.NAME}}` values come from (SPEC 3.6): environment variables `WFE_SECRET_NAME`
 * and, optionally, a JSON file of `{ "NAME": "value" }` given at start (the file wins).
 */
import { readFileSync } from 'node:fs';
import { ConfigError } from '../core/errors.js';

export const SECRET_ENV_PREFIX = 'WFE_SECRET_';

/** Secrets from `WFE_SECRET_*` variables of `env`. */
export function secretsFromEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const secrets: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (
      name.startsWith(SECRET_ENV_PREFIX) &&
      name.length > SECRET_ENV_PREFIX.length &&
      value !== undefined
    ) {
      secrets[name.slice(SECRET_ENV_PREFIX.length)] = value;
    }
  }
  return secrets;
}

/**
 * Secrets from a JSON file of string values.
 * @throws ConfigError when the file cannot be read or is not an object of strings.
 */
export function secretsFromFile(path: string): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError(
      `secrets file ${path}: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError(
      `secrets file ${path}: expected a JSON object of "NAME": "value", got ${Array.isArray(parsed) ? 'an array' : typeof parsed}`,
    );
  }
  const secrets: Record<string, string> = {};
  for (const [name, value] of Object.entries(parsed)) {
    if (typeof value !== 'string')
      throw new ConfigError(
        `secrets file ${path}: secret ${name} must be a string, got ${typeof value}`,
      );
    secrets[name] = value;
  }
  return secrets;
}
