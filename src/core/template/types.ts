import type { OnMissingMode } from '../payload/schema.js';

/**
 * Where templates find their variables. `lookup` returns the value of a base variable
 * (`original_input`, an input_data key, an output, `secrets`, `run`), or `undefined` when no
 * such variable exists (JSON has no undefined, so it cannot be confused with a value).
 */
export interface TemplateScope {
  lookup(name: string): unknown;
}

/** Options for compiling one templated value. */
export interface CompileOptions {
  /**
   * JSON pointer of the value relative to its step (`/headers/Authorization`,
   * `/input_prep_config/mapping`, `/service_url`); errors name the exact string inside it.
   */
  pointer: string;
  /** URL-encode inserted values (service_url), except a placeholder that starts the string. */
  urlEncode?: boolean;
  /** Longest string, in characters, that may contain placeholders. */
  maxLength: number;
}

/** A value whose `{{ }}` placeholders were parsed once; rendered on every attempt. */
export interface CompiledTemplate {
  /** True when the value has no placeholder: `render` returns it unchanged. */
  readonly isStatic: boolean;
  /**
   * The value with every placeholder resolved against `scope`.
   * @throws TemplateError `TEMPLATE_UNRESOLVED` when a variable is missing and `onMissing` is
   *   `error`; its message reads `unresolved variable x in /headers/Authorization`.
   */
  render(scope: TemplateScope, onMissing: OnMissingMode): unknown;
}
