/** Step names derived from block titles: snake_case, made unique within the payload. */

/** Used when a title has no letter or digit at all. */
const FALLBACK_NAME = 'step';

/**
 * snake_case of a title: words split at spaces, punctuation and camelCase boundaries, accents
 * dropped, lower case, joined by `_` (`"Sentiment Analysis"` → `sentiment_analysis`,
 * `"summarizeHTTPResponse"` → `summarize_http_response`). Letters of any script are kept.
 * A title without letters or digits gives `step`.
 */
export function toSnakeCase(title: string): string {
  const words = title
    .replace(/([\p{Ll}\p{N}])(\p{Lu})/gu, '$1 $2')
    .replace(/(\p{Lu})(\p{Lu}\p{Ll})/gu, '$1 $2')
    .normalize('NFKD')
    .toLowerCase()
    .replace(/\p{M}+/gu, '')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word !== '');
  return words.length === 0 ? FALLBACK_NAME : words.join('_');
}

/**
 * Makes names unique, in order: the first holder of a name keeps it, later ones get `_2`, `_3`...
 * A suffixed name never takes a name that another entry holds as its own (titles "A", "A" and
 * "A 2" give `a`, `a_3`, `a_2`).
 */
export function makeUnique(names: readonly string[]): string[] {
  const reserved = new Set(names);
  const taken = new Set<string>();
  return names.map((name) => {
    if (!taken.has(name)) {
      taken.add(name);
      return name;
    }
    let suffix = 2;
    while (reserved.has(`${name}_${suffix}`) || taken.has(`${name}_${suffix}`)) suffix += 1;
    const unique = `${name}_${suffix}`;
    taken.add(unique);
    return unique;
  });
}
