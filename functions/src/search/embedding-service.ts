import { createHash } from "node:crypto";
import { FieldValue, type Firestore } from "firebase-admin/firestore";
import type { Embedder } from "../models/model-client";
import { writeUnlessDeleted } from "../memory/ai-deletion";
import { registryRef } from "../memory/registry-service";

/** Characters of a text sent to the embedder (about 2,000 tokens): a memory's, or a search query's. */
const EMBED_CHARS = 8_000;

/** What the embedder is sent of a text: its start, within every embedding model's input limit. */
export const embeddingInput = (text: string): string => text.slice(0, EMBED_CHARS);

/**
 * Embeddings live beside the memories (`ai_registry/{ai_uuid}/embeddings/{memory_id}`), not in them:
 * reading a memory never pulls its vector, and one vector index serves every memory type. A move
 * keeps the id, so the embedding stays where it is.
 */
export const embeddingsCollection = (db: Firestore, aiUuid: string) => registryRef(db, aiUuid).collection("embeddings");

export const embeddingHashOf = (model: string, text: string): string =>
  createHash("sha256").update(`${model}\n${text}`).digest("hex");

/**
 * Stores a memory's embedding unless the one stored already matches its text and model, so a
 * redelivered trigger or an edit that kept the text costs no model call. Nothing once the AI is deleted.
 */
export async function embedMemory(
  db: Firestore,
  aiUuid: string,
  memoryId: string,
  fullText: string,
  embedder: Embedder,
): Promise<"embedded" | "unchanged" | "ai_deleted"> {
  const text = embeddingInput(fullText);
  const hash = embeddingHashOf(embedder.model, text);
  const ref = embeddingsCollection(db, aiUuid).doc(memoryId);
  if (!text.trim() || (await ref.get()).get("hash") === hash) return "unchanged";
  const [vector] = await embedder.embed([text]);
  const stored = await writeUnlessDeleted(db, aiUuid, (tx) =>
    tx.set(ref, { embedding: FieldValue.vector(vector), hash, model: embedder.model }),
  );
  return stored ? "embedded" : "ai_deleted";
}

export async function removeEmbedding(db: Firestore, aiUuid: string, memoryId: string): Promise<void> {
  await embeddingsCollection(db, aiUuid).doc(memoryId).delete();
}

/**
 * The memory ids nearest to a vector, nearest first, with their cosine distance. The projection names
 * only the distance result field, so no vector is read.
 */
export async function nearestMemories(
  db: Firestore,
  aiUuid: string,
  vector: number[],
  limit: number,
): Promise<Array<{ id: string; distance: number }>> {
  const snapshot = await embeddingsCollection(db, aiUuid)
    .select("distance")
    .findNearest({
      vectorField: "embedding",
      queryVector: vector,
      limit,
      distanceMeasure: "COSINE",
      distanceResultField: "distance",
    })
    .get();
  return snapshot.docs.map((doc) => ({ id: doc.id, distance: Number(doc.get("distance")) }));
}
