/**
 * Model tokens estimated from characters, with no tokenizer table: a fresh instance's first chat
 * turn builds nothing. Calibrated on o200k_base (GPT-4o's encoding) over LoCoMo's dialogue and the
 * context's JSON records, it overcounts English by about 15 %, so a memory block it fits in a budget
 * stays within it when the model counts; the price is a slightly emptier context.
 */
export interface TokenCounter {
  count(text: string): number;
  /** The longest prefix of `text` within `maxTokens`, marked with an ellipsis when cut. */
  truncate(text: string, maxTokens: number): string;
}

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;

/** Tokens per character, by kind of character. */
function weightOf(char: string): number {
  const code = char.codePointAt(0)!;
  if ((code >= 65 && code <= 90) || (code >= 97 && code <= 122)) return 1 / 3.7;
  if (code >= 48 && code <= 57) return 1 / 1.5;
  if (code === 32) return 0;
  if (code < 128) return 0.7;
  return CJK.test(char) ? 1.2 : 0.9;
}

export const tokenEstimator: TokenCounter = {
  count(text) {
    let tokens = 0;
    for (const char of text) tokens += weightOf(char);
    return Math.ceil(tokens);
  },
  truncate(text, maxTokens) {
    if (this.count(text) <= maxTokens) return text;
    const budget = Math.max(maxTokens - 1, 0);
    let tokens = 0;
    let end = 0;
    for (const char of text) {
      tokens += weightOf(char);
      if (tokens > budget) break;
      end += char.length;
    }
    return `${text.slice(0, end)}…`;
  },
};
