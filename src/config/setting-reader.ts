/**
 * Reads one setting at a time from command-line flags, then the environment, then its default,
 * and collects every invalid value instead of stopping at the first.
 */
import { settingInfo, type ConfigFlagName, type SettingInfo } from './settings.js';

/** Flag values as the command line gives them. */
export type ConfigFlags = Partial<Record<ConfigFlagName, string | number>>;

/** One invalid setting. */
export interface ConfigProblem {
  /** Dotted key, e.g. `server.port`. */
  key: string;
  /** Where the bad value came from: `--port`, `WFE_PORT`, or several names for a missing pair. */
  source: string;
  message: string;
}

interface RawValue {
  text: string;
  source: string;
  info: SettingInfo;
}

const TRUE_WORDS = new Set(['true', '1', 'yes', 'on']);
const FALSE_WORDS = new Set(['false', '0', 'no', 'off']);

export class SettingReader {
  readonly problems: ConfigProblem[] = [];

  constructor(
    private readonly env: Readonly<Record<string, string | undefined>>,
    private readonly flags: ConfigFlags,
  ) {}

  /** True when the flag or the (non-empty) variable of `key` is given. */
  isSet(key: string): boolean {
    return this.raw(key) !== undefined;
  }

  string(key: string, fallback: string): string {
    return this.optionalString(key) ?? fallback;
  }

  /** The value, or null when unset; an empty variable counts as unset. */
  optionalString(key: string): string | null {
    return this.raw(key)?.text ?? null;
  }

  /** An integer within `min..max`. */
  integer(key: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
    const raw = this.raw(key);
    if (raw === undefined) return fallback;
    const value = /^-?\d+$/.test(raw.text.trim()) ? Number(raw.text.trim()) : Number.NaN;
    if (!Number.isSafeInteger(value) || value < min || value > max) {
      const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`;
      this.report(raw, `must be an integer ${range}`);
      return fallback;
    }
    return value;
  }

  /** `true/1/yes/on` or `false/0/no/off`, any case. */
  boolean(key: string, fallback: boolean): boolean {
    const raw = this.raw(key);
    if (raw === undefined) return fallback;
    const word = raw.text.trim().toLowerCase();
    if (TRUE_WORDS.has(word)) return true;
    if (FALSE_WORDS.has(word)) return false;
    this.report(raw, 'must be true or false');
    return fallback;
  }

  oneOf<T extends string>(key: string, values: readonly T[], fallback: T): T {
    const raw = this.raw(key);
    if (raw === undefined) return fallback;
    const value = raw.text.trim();
    const match = values.find((candidate) => candidate === value);
    if (match === undefined) {
      this.report(raw, `must be one of ${values.join(', ')}`);
      return fallback;
    }
    return match;
  }

  /** An absolute URL whose scheme is one of `protocols` (e.g. `redis:`). */
  url(key: string, protocols: readonly string[], fallback: string | null): string | null {
    const raw = this.raw(key);
    if (raw === undefined) return fallback;
    let parsed: URL | null = null;
    try {
      parsed = new URL(raw.text.trim());
    } catch {
      parsed = null;
    }
    if (parsed === null || !protocols.includes(parsed.protocol)) {
      const schemes = protocols.map((protocol) => `${protocol}//`).join(' or ');
      this.report(raw, `must be an absolute ${schemes} URL`);
      return fallback;
    }
    return raw.text.trim();
  }

  /** Records a problem that involves more than one setting or no single value. */
  reportMissing(key: string, source: string, message: string): void {
    this.problems.push({ key, source, message: `${source}: ${message}` });
  }

  private report(raw: RawValue, expectation: string): void {
    const got = raw.info.secret ? '[redacted]' : JSON.stringify(raw.text);
    this.problems.push({
      key: raw.info.key,
      source: raw.source,
      message: `${raw.source} (${raw.info.key}) ${expectation}, got ${got}`,
    });
  }

  private raw(key: string): RawValue | undefined {
    const info = settingInfo(key);
    if (info.flag !== null) {
      const flagValue = this.flags[info.flag];
      if (flagValue !== undefined) {
        return { text: String(flagValue), source: `--${kebabCase(info.flag)}`, info };
      }
    }
    const envValue = this.env[info.env];
    // An empty variable (`FOO=` in a compose file) means "not set", not "set to nothing".
    if (envValue === undefined || envValue === '') return undefined;
    return { text: envValue, source: info.env, info };
  }
}

function kebabCase(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}
