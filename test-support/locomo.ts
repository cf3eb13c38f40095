import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { indexRecords, type RankCandidate } from "../functions/src/search/ranking";

/**
 * Retrieval quality on LoCoMo (../shared/data/locomo): every turn of a conversation is a memory of
 * one AI, each question of categories 1-4 is a query, and a question is a hit when one of its
 * evidence turns is in the top k (recall_any@k). Our ranking and a plain BM25 run on the same turns.
 */

/** The dataset ships in ../shared beside the repository (LOCOMO_PATH overrides). */
export const LOCOMO_PATH =
  process.env.LOCOMO_PATH ?? fileURLToPath(new URL("../../shared/data/locomo/locomo-dev.json", import.meta.url));

interface Turn {
  speaker: string;
  dia_id: string;
  text: string;
  blip_caption?: string;
}

interface Conversation {
  sample_id?: string;
  conversation: Record<string, unknown>;
  qa: Array<{ question: string; evidence?: string[]; category: number }>;
}

export interface LocomoMemory extends RankCandidate {
  conversation: number;
}

export interface RecallReport {
  k: number;
  questions: number;
  /** Our ranking (the product's index and scoring, through `rankRecords`), recall_any@k in 0..1. */
  ours: number;
  /** Okapi BM25 (same k1 and b) over plain lower-cased words: no stop words, no stemming. */
  plainBm25: number;
}

/** The text a turn is stored as: who said it, what was said, and the caption of a shared photo. */
const turnText = (turn: Turn): string =>
  `${turn.speaker}: ${turn.text}${turn.blip_caption ? ` [shares a photo of ${turn.blip_caption}]` : ""}`;

export function loadLocomo(path = LOCOMO_PATH): Conversation[] {
  if (!existsSync(path)) {
    throw new Error(
      `LoCoMo is not at ${path}: it ships in ../shared/data/locomo beside the repository (or set LOCOMO_PATH)`,
    );
  }
  return JSON.parse(readFileSync(path, "utf8")) as Conversation[];
}

/** Every turn of one conversation, as memories whose id is the turn's dia_id. */
export function turnsOf(conversation: Conversation, index: number): LocomoMemory[] {
  const sessions = Object.keys(conversation.conversation)
    .filter((key) => /^session_\d+$/.test(key))
    .sort((a, b) => Number(a.split("_")[1]) - Number(b.split("_")[1]));
  return sessions.flatMap((key) =>
    (conversation.conversation[key] as Turn[]).map((turn) => ({
      id: turn.dia_id,
      text: turnText(turn),
      conversation: index,
    })),
  );
}

const plainWords = (text: string): string[] => text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];

const K1 = 1.2;
const B = 0.75;

/** The baseline: Okapi BM25 as textbooks write it, over plain words (no stop words, no stemming). */
export function bm25(queryTerms: string[], docs: string[][]): Array<{ score: number }> {
  const terms = [...new Set(queryTerms)];
  const n = docs.length;
  const df = new Map(terms.map((term) => [term, docs.filter((tokens) => tokens.includes(term)).length]));
  const idf = new Map(terms.map((term) => [term, Math.log(1 + (n - df.get(term)! + 0.5) / (df.get(term)! + 0.5))]));
  const averageLength = docs.reduce((sum, tokens) => sum + tokens.length, 0) / Math.max(n, 1) || 1;
  return docs.map((tokens) => {
    let score = 0;
    for (const term of terms) {
      const tf = tokens.filter((token) => token === term).length;
      if (tf) score += (idf.get(term)! * tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * tokens.length) / averageLength));
    }
    return { score };
  });
}

function plainTopK(query: string, memories: LocomoMemory[], tokens: string[][], k: number): string[] {
  const scores = bm25(plainWords(query), tokens);
  return scores
    .map((score, index) => ({ id: memories[index].id, score: score.score }))
    .filter((hit) => hit.score > 0)
    .sort((a, b) => b.score - a.score)
    .slice(0, k)
    .map((hit) => hit.id);
}

/** recall_any@k of our ranking and of plain BM25, over the questions of categories 1-4. */
export function measureRecall(dataset = loadLocomo(), k = 10): RecallReport {
  let questions = 0;
  let ours = 0;
  let plain = 0;
  dataset.forEach((conversation, index) => {
    const memories = turnsOf(conversation, index);
    const plainTokens = memories.map((memory) => plainWords(memory.text));
    const rank = indexRecords(memories);
    for (const qa of conversation.qa) {
      if (qa.category < 1 || qa.category > 4 || !qa.evidence?.length) continue;
      questions += 1;
      const evidence = new Set(qa.evidence.flatMap((id) => id.split(/[;,\s]+/)).filter(Boolean));
      const ourTop = rank(qa.question, k).map((hit) => hit.entry.id);
      if (ourTop.some((id) => evidence.has(id))) ours += 1;
      if (plainTopK(qa.question, memories, plainTokens, k).some((id) => evidence.has(id))) plain += 1;
    }
  });
  return { k, questions, ours: ours / questions, plainBm25: plain / questions };
}

/**
 * Texts the size of a daily chat's exchanges: consecutive LoCoMo turns joined as user and
 * assistant until about 1 KB, a day number making each its own. `exchangeText(i)` is the i-th.
 */
export function exchangeTexts(dataset = loadLocomo()): (index: number) => string {
  const turns = dataset.flatMap((conversation, index) => turnsOf(conversation, index).map((turn) => turn.text));
  return (index) => {
    const parts = [`Day ${1 + index}.`];
    let length = 0;
    for (let k = 0; length < 900; k += 1) {
      const turn = turns[(index * 7 + k) % turns.length];
      parts.push(`${k % 2 ? "Assistant" : "User"}: ${turn}`);
      length += turn.length;
    }
    return parts.join("\n");
  };
}
