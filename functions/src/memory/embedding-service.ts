import { createHash } from "node:crypto";
import { type DocumentReference, FieldValue } from "firebase-admin/firestore";
import type { Embedder } from "../chat/model-client";
import type { StoredMemory } from "./memory-types";

/** Characters of a memory's text sent to the embedder (about 2,000 tokens). */
const EMBED_CHARS = 8_000;

/** The index fields the embedding trigger adds; they never change the memory's version. */
export interface EmbeddedFields {
  embedding_hash?: string;
  embedding_model?: string;
}

export const embeddingHashOf = (model: string, text: string): string =>
  createHash("sha256").update(`${model}\n${text}`).digest("hex");

/**
 * Stores the memory's embedding as a Firestore vector, unless the one stored already matches the
 * current text and model: our own write fires the trigger again, and finds nothing to do. An edit
 * that lands meanwhile fires its own trigger, whose hash differs, so the last text always wins.
 */
export async function embedMemory(
  ref: DocumentReference,
  memory: StoredMemory & EmbeddedFields,
  embedder: Embedder,
): Promise<"embedded" | "unchanged" | "gone"> {
  const text = memory.text.slice(0, EMBED_CHARS);
  const hash = embeddingHashOf(embedder.model, text);
  if (!text.trim() || memory.embedding_hash === hash) return "unchanged";
  const [vector] = await embedder.embed([text]);
  try {
    await ref.update({ embedding: FieldValue.vector(vector), embedding_hash: hash, embedding_model: embedder.model });
    return "embedded";
  } catch (error) {
    // Deleted or moved meanwhile: the memory's new home has a trigger of its own.
    if ((error as { code?: number }).code === 5) return "gone";
    throw error;
  }
}
