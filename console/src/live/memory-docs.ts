import { collection, type DocumentData, documentId, getDocs, query, Timestamp, where } from "firebase/firestore";
import { firebase } from "../firebase";
import { type Memory, MEMORY_TYPES } from "../types";

const iso = (value: unknown): string | null => (value instanceof Timestamp ? value.toDate().toISOString() : typeof value === "string" ? value : null);

/** A memory document as the API would answer it (timestamps as ISO strings, no index fields). */
export function memoryFromDoc(id: string, data: DocumentData): Memory {
  return {
    id,
    memory_id: id,
    ai_uuid: data.ai_uuid,
    memory_type: data.memory_type,
    content: data.content,
    text: data.text ?? (typeof data.content === "string" ? data.content : JSON.stringify(data.content)),
    metadata: data.metadata ?? {},
    tags: data.tags ?? [],
    importance: data.importance ?? 0.5,
    source: data.source ?? "api",
    session_id: data.session_id ?? null,
    created_at: iso(data.created_at) ?? "",
    updated_at: iso(data.updated_at) ?? "",
    version: data.version ?? 1,
    expires_at: iso(data.expires_at),
  };
}

/** Firestore's cap on the values of one `in` filter. */
const IN_LIMIT = 30;

/**
 * Memories by id, wherever they live now (a chat's context may have moved since). Ids found in no
 * collection are missing from the map: deleted since.
 */
export async function memoriesByIds(aiUuid: string, ids: string[]): Promise<Map<string, Memory>> {
  const { db } = firebase();
  const unique = [...new Set(ids)];
  const chunks: string[][] = [];
  for (let start = 0; start < unique.length; start += IN_LIMIT) chunks.push(unique.slice(start, start + IN_LIMIT));
  const found = new Map<string, Memory>();
  await Promise.all(
    MEMORY_TYPES.flatMap((type) =>
      chunks.map(async (chunk) => {
        const snapshot = await getDocs(query(collection(db, "ai_registry", aiUuid, type), where(documentId(), "in", chunk)));
        for (const doc of snapshot.docs) found.set(doc.id, memoryFromDoc(doc.id, doc.data()));
      }),
    ),
  );
  return found;
}
