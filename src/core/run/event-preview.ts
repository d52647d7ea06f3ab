/** Webhooks carry previews, not whole values: outputs cut to 500 characters, results to 1000. */

export const OUTPUT_PREVIEW_CHARS = 500;
export const FINAL_RESULT_PREVIEW_CHARS = 1000;

/** The value itself when its text is short enough, else its JSON text cut to `limit` + "…". */
export function previewValue(value: unknown, limit: number): unknown {
  if (typeof value === 'string') return value.length <= limit ? value : `${value.slice(0, limit)}…`;
  if (value === null || typeof value !== 'object') return value;
  const text = JSON.stringify(value);
  return text.length <= limit ? value : `${text.slice(0, limit)}…`;
}

/** Each output previewed. */
export function previewOutputs(outputs: Record<string, unknown>): Record<string, unknown> {
  const preview: Record<string, unknown> = {};
  for (const name of Object.keys(outputs)) {
    preview[name] = previewValue(outputs[name], OUTPUT_PREVIEW_CHARS);
  }
  return preview;
}
