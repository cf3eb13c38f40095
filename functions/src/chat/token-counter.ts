import type { Tiktoken } from "js-tiktoken/lite";

/** Counts and trims text in model tokens (OpenAI's o200k_base encoding). */
export interface TokenCounter {
  count(text: string): number;
  /** The longest prefix of `text` within `maxTokens`, marked with an ellipsis when cut. */
  truncate(text: string, maxTokens: number): string;
}

let loading: Promise<TokenCounter> | null = null;

/** The rank file is 2 MB: it is loaded on first use, once per instance, never at module load. */
export function loadTokenCounter(): Promise<TokenCounter> {
  loading ??= (async () => {
    const [{ Tiktoken: Encoder }, ranks] = await Promise.all([
      import("js-tiktoken/lite"),
      import("js-tiktoken/ranks/o200k_base"),
    ]);
    return counterOf(new Encoder(ranks.default));
  })();
  return loading;
}

function counterOf(encoder: Tiktoken): TokenCounter {
  return {
    count: (text) => encoder.encode(text).length,
    truncate: (text, maxTokens) => {
      const tokens = encoder.encode(text);
      if (tokens.length <= maxTokens) return text;
      return `${encoder.decode(tokens.slice(0, Math.max(maxTokens - 1, 0)))}…`;
    },
  };
}
