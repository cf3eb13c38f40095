/**
 * The exchange-sized memories of the engine's figures (issue 16): consecutive LoCoMo turns joined
 * into user/assistant exchanges of about 1 KB (test-support/locomo.ts), the i-th one minute older
 * than the one before. Their index entries are made once, by the product's own code, and kept
 * encoded (a few hundred bytes each), as the persisted index holds them.
 */
import { exchangeTexts, loadLocomo } from "../../test-support/locomo";
import type { IndexEntry } from "../../functions/src/search/index-entry";
import { decodeEntry, encodeEntry, entryOf } from "./functions";

export const EXCHANGE_SIZES = [
  { label: "1k", count: 1_000 },
  { label: "10k", count: 10_000 },
  { label: "50k", count: 50_000 },
  { label: "200k", count: 200_000 },
];

const dataset = loadLocomo();
/** LoCoMo's questions: the chat messages and queries of these figures. */
export const exchangeQuestions = dataset.flatMap((conversation) => conversation.qa.map((qa) => qa.question));
/** The i-th exchange-sized text. */
export const exchangeText = exchangeTexts(dataset);
export const exchangeId = (index: number): string => `exchange-${index.toString(36).padStart(8, "0")}`;
/** When the corpus's newest memory was made: the i-th is i minutes older. */
export const EXCHANGE_NOW_MS = Date.now();

const encoded: string[] = [];

/** The encoded entries of the first `count` exchanges (made on first use, then kept). */
export function exchangeEntries(count: number): string[] {
  for (let index = encoded.length; index < count; index += 1) {
    const entry = entryOf({
      id: exchangeId(index),
      memory_type: "working_memory",
      text: exchangeText(index),
      importance: 0.5,
      created_at: { toMillis: () => EXCHANGE_NOW_MS - index * 60_000 },
    });
    encoded.push(encodeEntry(entry));
  }
  return encoded;
}

/** The first `count` exchanges' entries, decoded one at a time. */
export function* decodedExchanges(count: number): Generator<IndexEntry> {
  const entries = exchangeEntries(count);
  for (let index = 0; index < count; index += 1) {
    const entry = decodeEntry(exchangeId(index), entries[index]);
    if (entry) yield entry;
  }
}
