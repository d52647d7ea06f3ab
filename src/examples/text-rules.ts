/**
 * The deterministic "intelligence" of the example services: keyword sentiment, a one-line
 * summary and a rough token count. Same input, same answer, so demo runs are reproducible.
 */

/** Sentiment label decided by keyword counts. */
export type Sentiment = 'positive' | 'negative' | 'neutral';

/** Outcome of {@link classifySentiment}. */
export interface SentimentVerdict {
  sentiment: Sentiment;
  /** 0.5 for neutral; 0.08 (all negative keywords) to 0.92 (all positive), two decimals. */
  score: number;
}

const POSITIVE_WORDS = new Set([
  'amazing',
  'awesome',
  'best',
  'delighted',
  'excellent',
  'fantastic',
  'glad',
  'good',
  'great',
  'happy',
  'helpful',
  'love',
  'loved',
  'nice',
  'perfect',
  'positive',
  'recommend',
  'thanks',
  'wonderful',
]);

const NEGATIVE_WORDS = new Set([
  'angry',
  'awful',
  'bad',
  'broken',
  'bug',
  'crash',
  'crashes',
  'disappointed',
  'hate',
  'negative',
  'poor',
  'refund',
  'sad',
  'slow',
  'terrible',
  'unhappy',
  'useless',
  'worst',
]);

const WORD = /[a-z']+/g;

/**
 * Counts positive and negative keywords (case-insensitive, whole words). More positive than
 * negative is `positive`, the reverse `negative`, a tie (including none) `neutral`.
 */
export function classifySentiment(text: string): SentimentVerdict {
  let positive = 0;
  let negative = 0;
  for (const word of text.toLowerCase().match(WORD) ?? []) {
    if (POSITIVE_WORDS.has(word)) positive += 1;
    else if (NEGATIVE_WORDS.has(word)) negative += 1;
  }
  if (positive === negative) return { sentiment: 'neutral', score: 0.5 };
  const score =
    Math.round((0.5 + (0.42 * (positive - negative)) / (positive + negative)) * 100) / 100;
  return { sentiment: positive > negative ? 'positive' : 'negative', score };
}

/** Whole words of the text, as lower case, for route-name matching. */
export function wordsOf(text: string): Set<string> {
  return new Set(text.toLowerCase().match(WORD) ?? []);
}

/**
 * The first sentence of the text, whitespace collapsed, cut to `maxChars` characters with an
 * ellipsis. An empty text gives `(empty message)`.
 */
export function firstSentence(text: string, maxChars = 100): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat === '') return '(empty message)';
  const end = flat.search(/[.!?](\s|$)/);
  const sentence = end === -1 ? flat : flat.slice(0, end + 1);
  return sentence.length <= maxChars ? sentence : `${sentence.slice(0, maxChars - 1)}…`;
}

/** A rough token count: whitespace-separated words. */
export function countTokens(text: string): number {
  const flat = text.trim();
  return flat === '' ? 0 : flat.split(/\s+/).length;
}
