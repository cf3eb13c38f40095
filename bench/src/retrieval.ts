/**
 * Evidence recall@10 on LoCoMo (shared/data/locomo). Each conversation's turns are imported as the
 * memories of one AI, and each question of categories 1-4 goes through the product's search
 * (searchMemories: the AI's index loaded from Firestore, every memory ranked). A hit is an evidence
 * turn in the top 10. Beside it, a plain BM25 over the same turns (test-support/locomo.ts),
 * which also gives the product's ranking over in-memory records, with no Firestore, for reference.
 */
import { loadLocomo, measureRecall, turnsOf } from "../../test-support/locomo";
import { IMPORT_MAX, importMemories, searchMemories } from "./functions";
import { db, type LocalApi, newLocalAi } from "./product";
import type { Results } from "./stats";

const K = 10;

export async function benchRetrieval(results: Results, local: LocalApi): Promise<void> {
  const dataset = loadLocomo();
  let questions = 0;
  let hits = 0;
  for (const [index, conversation] of dataset.entries()) {
    const ai = await newLocalAi(local, `bench-locomo-${index}`);
    const turns = turnsOf(conversation, index);
    for (let start = 0; start < turns.length; start += IMPORT_MAX) {
      await importMemories(
        db,
        ai.ai_uuid,
        turns.slice(start, start + IMPORT_MAX).map((turn) => ({
          memory_type: "long_term_memory" as const,
          content: turn.text,
          metadata: { dia_id: turn.id },
        })),
      );
    }
    for (const qa of conversation.qa) {
      if (qa.category < 1 || qa.category > 4 || !qa.evidence?.length) continue;
      questions += 1;
      const evidence = new Set(qa.evidence.flatMap((id) => id.split(/[;,\s]+/)).filter(Boolean));
      const found = await searchMemories(db, ai.ai_uuid, { query: qa.question, types: ["long_term_memory"], limit: K });
      if (found.some((hit) => evidence.has(String(hit.memory.metadata?.dia_id)))) hits += 1;
    }
  }
  const reference = measureRecall(dataset, K);
  const peer = { name: "plain BM25 (same turns, per conversation)", value: reference.plainBm25 * 100 };
  const data = `LoCoMo dev, ${dataset.length} conversations, ${questions} questions (categories 1-4)`;
  results.add(
    "retrieval_recall_at_10_locomo_pct",
    (hits / questions) * 100,
    "% recall_any@10",
    peer,
    `${data}; searchMemories on the AI (no embedder); target: plain BM25's + 15 % relative`,
  );
  results.add(
    "retrieval_ranking_only_recall_at_10_locomo_pct",
    reference.ours * 100,
    "% recall_any@10",
    peer,
    "the product's ranking over the same turns as in-memory records (indexRecords), no Firestore",
  );
}
