import stem from "wink-porter2-stemmer";

/**
 * Words of a memory for the search index: lower-cased, stemmed with Porter2 (so "lived", "living"
 * and "lives" meet), stop words out. CJK scripts have no spaces: Intl.Segmenter splits them.
 */

const STOP_WORDS = new Set(
  (
    "a an and are as at be but by for from had has have he her his i if in into is it its me my no not of on or our " +
    "she so than that the their them then there these they this to was we were what when where which who will with " +
    "you your do did does can could would should about just too very also been being am"
  ).split(" "),
);

/** Terms indexed per memory at the most, the most frequent kept: bounds an index entry's size. */
export const MAX_TERMS = 100;
/** Characters of a term at the most (a longer word is cut, the same way in memories and queries). */
export const MAX_TERM_CHARS = 32;
/** Characters of a text read for terms: a longer one is indexed on its start (its length still counts). */
export const MAX_INDEXED_CHARS = 100_000;

/** A word cut to MAX_TERM_CHARS code points (never half a surrogate pair). */
const bounded = (term: string): string =>
  term.length <= MAX_TERM_CHARS ? term : [...term].slice(0, MAX_TERM_CHARS).join("");

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}]/u;
const WORD = /[\p{L}\p{N}]+/gu;

let segmenter: Intl.Segmenter | null = null;

function cjkWords(text: string): string[] {
  segmenter ??= new Intl.Segmenter(undefined, { granularity: "word" });
  const words: string[] = [];
  for (const segment of segmenter.segment(text)) {
    if (!segment.isWordLike) continue;
    // A CJK run stays one word; anything else keeps to letters and digits ("12:30" is two words).
    if (CJK.test(segment.segment)) words.push(segment.segment);
    else words.push(...(segment.segment.match(WORD) ?? []));
  }
  return words;
}

/** The plain text of a memory's content: a string as it is, structured content as `key: value` lines. */
export function contentToText(content: string | Record<string, unknown>): string {
  if (typeof content === "string") return content;
  const parts: string[] = [];
  // Iterative, so deeply nested content cannot overflow the stack.
  const stack: Array<[unknown, string | undefined]> = [[content, undefined]];
  while (stack.length) {
    const [value, key] = stack.pop()!;
    if (value === null || value === undefined) continue;
    if (typeof value === "object") {
      const entries = Object.entries(value as Record<string, unknown>);
      for (let i = entries.length - 1; i >= 0; i -= 1)
        stack.push([entries[i][1], Array.isArray(value) ? key : entries[i][0]]);
      continue;
    }
    parts.push(key ? `${key}: ${String(value)}` : String(value));
  }
  return parts.join("\n");
}

/** The search terms of a text, in order, repeats kept. */
export function tokenize(text: string): string[] {
  const normalized = text.slice(0, MAX_INDEXED_CHARS).toLowerCase().normalize("NFKC");
  const words = CJK.test(normalized) ? cjkWords(normalized) : (normalized.match(WORD) ?? []);
  const tokens: string[] = [];
  for (const whole of words) {
    // Cut before stemming: the stemmer's time grows faster than a word's length.
    const word = bounded(whole);
    if (CJK.test(word)) {
      tokens.push(word);
      continue;
    }
    if (word.length < 2 && !/\p{N}/u.test(word)) continue;
    if (STOP_WORDS.has(word)) continue;
    tokens.push(/\p{N}/u.test(word) ? word : stem(word));
  }
  return tokens;
}

/** Term frequencies of a text, the MAX_TERMS most frequent (ties: first seen), and its length in terms. */
export function termFrequencies(text: string): { terms: Map<string, number>; length: number } {
  const tokens = tokenize(text);
  const counts = new Map<string, number>();
  for (const token of tokens) counts.set(token, (counts.get(token) ?? 0) + 1);
  if (counts.size <= MAX_TERMS) return { terms: counts, length: tokens.length };
  const kept = [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, MAX_TERMS);
  return { terms: new Map(kept), length: tokens.length };
}
