/**
 * The plain-text projection of a memory and its keyword index. `terms` lives on the memory
 * document, so `array-contains-any` finds a memory by keyword the moment it is written.
 */

const STOP_WORDS = new Set(
  (
    "a an and are as at be but by for from had has have he her his i if in into is it its me my no not of on or our " +
    "she so than that the their them then there these they this to was we were what when where which who will with " +
    "you your do did does can could would should about just than too very also been being am"
  ).split(" "),
);

/** At most this many distinct terms are indexed per memory (Firestore indexes each array value). */
export const MAX_TERMS = 200;

export function contentToText(content: string | Record<string, unknown>): string {
  if (typeof content === "string") return content;
  const parts: string[] = [];
  const walk = (value: unknown, key?: string): void => {
    if (value === null || value === undefined) return;
    if (typeof value === "object") {
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) walk(v, Array.isArray(value) ? key : k);
      return;
    }
    parts.push(key ? `${key}: ${String(value)}` : String(value));
  };
  walk(content);
  return parts.join("\n");
}

/** Lower-cased word tokens with light suffix stemming, stop words kept out. */
export function tokenize(text: string): string[] {
  const words = text.toLowerCase().normalize("NFKC").match(/[\p{L}\p{N}]+/gu) ?? [];
  const tokens: string[] = [];
  for (const word of words) {
    if (word.length < 2 && !/\p{N}/u.test(word)) continue;
    if (STOP_WORDS.has(word)) continue;
    tokens.push(stem(word));
  }
  return tokens;
}

/** Distinct index terms of a text, most frequent first, capped at MAX_TERMS. */
export function termsOf(text: string): string[] {
  const counts = new Map<string, number>();
  for (const token of tokenize(text)) counts.set(token, (counts.get(token) ?? 0) + 1);
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, MAX_TERMS)
    .map(([term]) => term);
}

/** A deliberately small stemmer: plural and common verb endings, so "dogs" meets "dog". */
export function stem(word: string): string {
  if (word.length <= 3 || /\p{N}/u.test(word)) return word;
  if (word.endsWith("ies") && word.length > 4) return word.slice(0, -3) + "y";
  if (word.endsWith("ing") && word.length > 5) return word.slice(0, -3);
  if (word.endsWith("ed") && word.length > 4) return word.slice(0, -2);
  if (word.endsWith("es") && /(sh|ch|x|z|ss)es$/.test(word)) return word.slice(0, -2);
  if (word.endsWith("s") && !word.endsWith("ss") && !word.endsWith("us")) return word.slice(0, -1);
  return word;
}
