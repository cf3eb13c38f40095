import { readFileSync } from "node:fs";
import { bm25, type RankCandidate, rankMemories } from "../../src/memory/memory-ranking";

/**
 * Retrieval quality on LoCoMo (../shared/data/locomo): every turn of a conversation is a memory of
 * one AI, each question of categories 1-4 is a query, and a question is a hit when one of its
 * evidence turns is in the top k (recall_any@k). Our ranking and a plain BM25 run on the same turns.
 */

export const LOCOMO_PATH = process.env.LOCOMO_PATH ?? "/work/shared/data/locomo/locomo-dev.json";

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
  /** Our ranking (`rankMemories` of src/memory/memory-ranking.ts), recall_any@k in 0..1. */
  ours: number;
  /** Okapi BM25 (same k1 and b) over plain lower-cased words: no stop words, no stemming. */
  plainBm25: number;
}

/** The text a turn is stored as: who said it, what was said, and the caption of a shared photo. */
const turnText = (turn: Turn): string =>
  `${turn.speaker}: ${turn.text}${turn.blip_caption ? ` [shares a photo of ${turn.blip_caption}]` : ""}`;

export function loadLocomo(path = LOCOMO_PATH): Conversation[] {
  return JSON.parse(readFileSync(path, "utf8")) as Conversation[];
}

/** Every turn of one conversation, as memories whose id is the turn's dia_id. */
export function turnsOf(conversation: Conversation, index: number): LocomoMemory[] {
  const sessions = Object.keys(conversation.conversation)
    .filter((key) => /^session_\d+$/.test(key))
    .sort((a, b) => Number(a.split("_")[1]) - Number(b.split("_")[1]));
  return sessions.flatMap((key) =>
    (conversation.conversation[key] as Turn[]).map((turn) => ({ id: turn.dia_id, text: turnText(turn), conversation: index })),
  );
}

const plainWords = (text: string): string[] => text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];

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
    for (const qa of conversation.qa) {
      if (qa.category < 1 || qa.category > 4 || !qa.evidence?.length) continue;
      questions += 1;
      const evidence = new Set(qa.evidence.flatMap((id) => id.split(/[;,\s]+/)).filter(Boolean));
      const ourTop = rankMemories(qa.question, memories).slice(0, k).map((hit) => hit.memory.id);
      if (ourTop.some((id) => evidence.has(id))) ours += 1;
      if (plainTopK(qa.question, memories, plainTokens, k).some((id) => evidence.has(id))) plain += 1;
    }
  });
  return { k, questions, ours: ours / questions, plainBm25: plain / questions };
}
