/**
 * What the sized AIs hold and are asked: LoCoMo's real dialogue (shared/data/locomo), its 1,451
 * turns cycled to reach 1k, 10k or 50k memories, each with its own day number, and its 385
 * questions as the chat's messages and the search queries. Real text gives real term
 * frequencies: a speaker's name is in every turn, as in any long conversation.
 *
 * The product's AI is grown through its own import service (the index shards and room events are
 * written as in production); Mem0 gets the same texts through its own `add`.
 */
import { loadLocomo, turnsOf } from "../../test-support/locomo";
import { hashedEmbedding } from "./fake-model";
import { embeddingHashOf, embeddingsCollection, IMPORT_MAX, importMemories } from "./functions";
import { mem0Add, type Mem0 } from "./peers";
import { db, EMBEDDING_MODEL, FieldValue } from "./product";

const dataset = loadLocomo();
const turns = dataset.flatMap((conversation, index) => turnsOf(conversation, index).map((turn) => turn.text));
const questions = dataset.flatMap((conversation) =>
  conversation.qa.filter((qa) => qa.category >= 1 && qa.category <= 4).map((qa) => qa.question),
);

/** The text of the i-th memory of a sized AI. */
export const memoryText = (index: number): string =>
  `Day ${1 + Math.floor(index / turns.length)}. ${turns[index % turns.length]}`;

/** The i-th question: a chat message or a search query. */
export const question = (index: number): string => questions[index % questions.length];

/** Import calls in flight at once while loading. */
const IMPORT_PARALLEL = 4;

/**
 * Adds memories `from`..`to`-1 to the AI through `importMemories` (200 per call, as the import
 * route takes them) and, with `embeddings`, writes their vectors as the trigger's embedding step
 * stores them (same document, hash and model), straight from the fake model's function.
 */
export async function growProduct(aiUuid: string, from: number, to: number, embeddings: boolean): Promise<void> {
  const starts: number[] = [];
  for (let start = from; start < to; start += IMPORT_MAX) starts.push(start);
  const writer = db.bulkWriter({ throttling: false });
  for (let i = 0; i < starts.length; i += IMPORT_PARALLEL) {
    await Promise.all(
      starts.slice(i, i + IMPORT_PARALLEL).map(async (start) => {
        const texts = Array.from({ length: Math.min(IMPORT_MAX, to - start) }, (_, k) => memoryText(start + k));
        const { memory_ids } = await importMemories(
          db,
          aiUuid,
          texts.map((content) => ({ memory_type: "long_term_memory" as const, content })),
        );
        if (!embeddings) return;
        memory_ids.forEach((id, k) => {
          void writer.set(embeddingsCollection(db, aiUuid).doc(id), {
            embedding: FieldValue.vector(hashedEmbedding(texts[k])),
            hash: embeddingHashOf(EMBEDDING_MODEL, texts[k]),
            model: EMBEDDING_MODEL,
          });
        });
      }),
    );
  }
  await writer.close();
}

/** Mem0 adds in flight at once while loading. */
const MEM0_PARALLEL = 16;

/** Adds the same memories `from`..`to`-1 to Mem0 for `userId`, with `add(infer: false)`. */
export async function growMem0(mem0: Mem0, userId: string, from: number, to: number): Promise<void> {
  for (let start = from; start < to; start += MEM0_PARALLEL) {
    await Promise.all(
      Array.from({ length: Math.min(MEM0_PARALLEL, to - start) }, (_, k) =>
        mem0Add(mem0, userId, memoryText(start + k)),
      ),
    );
  }
}
