import { FieldPath, FieldValue, type Firestore, Timestamp } from "firebase-admin/firestore";
import { AppError } from "../errors";
import { assertAiNotDeleted } from "../memory/ai-deletion";
import { type MemoryType, MEMORY_TYPES, memoryText } from "../memory/memory-types";
import { memoryCollection, registryRef } from "../memory/registry-service";
import { embeddingsCollection } from "./embedding-service";
import { encodeEntry, entryOf } from "./index-entry";
import { clearIndexCache } from "./index-cache";
import { deleteLegacyShards, releaseLease, swapManifest, takeLease, countsOf, writeSegments } from "./index-compaction";
import { indexSegments } from "./index-store";

/** Memories per transaction: with their legacy clean-up, under Firestore's 500 writes. */
const CHUNK = 100;
/** How long a rebuild (the command's) holds the index against compactions: one of 250k memories takes minutes. */
const REBUILD_LEASE_MS = 30 * 60_000;

export interface ReindexReport {
  ai_uuid: string;
  indexed: number;
  segments: number;
  documents_migrated: number;
}

/** Fields older versions kept in each memory document, which now live in the index and `embeddings`. */
const LEGACY_FIELDS = ["terms", "embedding", "embedding_hash", "embedding_model"];

async function reindexChunk(
  db: Firestore,
  aiUuid: string,
  type: MemoryType,
  ids: string[],
  entries: Map<string, string>,
): Promise<number> {
  return db.runTransaction(async (tx) => {
    await assertAiNotDeleted(tx, db, aiUuid);
    const docs = await tx.getAll(...ids.map((id) => memoryCollection(db, aiUuid, type).doc(id)));
    let migrated = 0;
    for (const doc of docs) {
      const stored = doc.data();
      if (!stored) continue;
      const memory = { ...stored, id: doc.id, memory_type: type };
      entries.set(doc.id, encodeEntry(entryOf({ ...memory, text: memoryText(memory) })));
      // Fields earlier versions stored, which the memory type no longer has: read by name.
      const legacy = (field: string): unknown => doc.get(field);
      const cleanup: Record<string, FieldValue> = {};
      for (const field of LEGACY_FIELDS) if (legacy(field) !== undefined) cleanup[field] = FieldValue.delete();
      // A string content is its own text: the copy older versions stored goes.
      if (typeof stored.content === "string" && stored.text !== undefined) cleanup.text = FieldValue.delete();
      if (legacy("embedding")) {
        tx.set(embeddingsCollection(db, aiUuid).doc(doc.id), {
          embedding: legacy("embedding"),
          hash: legacy("embedding_hash") ?? "",
          model: legacy("embedding_model") ?? "",
        });
      }
      if (Object.keys(cleanup).length) {
        // Not a change of the memory: the version stays, and no event is written.
        tx.update(doc.ref, cleanup);
        migrated += 1;
      }
    }
    return migrated;
  });
}

/**
 * Builds an AI's search index anew from its memories (new segments, a new epoch every warm
 * instance sees), and moves what older versions kept in memory documents (terms, the copy of a
 * string content, the embedding) and the 64 legacy shards out of the way. Safe to run twice and
 * while the AI is in use: the segments hold each memory as read at or after the rebuild began, and
 * every change since is in the log, which readers replay on top (last change wins).
 */
export async function reindexAi(
  db: Firestore,
  aiUuid: string,
  options: { nowMs?: number; leaseMs?: number } = {},
): Promise<ReindexReport> {
  const nowMs = options.nowMs ?? Date.now();
  const lease = await takeLease(db, aiUuid, nowMs, options.leaseMs ?? REBUILD_LEASE_MS);
  if (!lease) {
    throw new AppError(
      "failed_precondition",
      `the search index of AI ${aiUuid} is being compacted or rebuilt; try again in two minutes`,
    );
  }
  try {
    const entries = new Map<string, string>();
    let migrated = 0;
    for (const type of MEMORY_TYPES) {
      let after: string | null = null;
      for (;;) {
        let page = memoryCollection(db, aiUuid, type).orderBy(FieldPath.documentId()).select().limit(CHUNK);
        if (after) page = page.startAfter(after);
        const ids = (await page.get()).docs.map((doc) => doc.id);
        if (ids.length === 0) break;
        migrated += await reindexChunk(db, aiUuid, type, ids, entries);
        after = ids[ids.length - 1];
      }
    }
    const generation = lease.manifest.generation + 1;
    const segments = await writeSegments(db, aiUuid, generation, [{ prefix: "", entries }]);
    const swapped = await swapManifest(
      db,
      aiUuid,
      lease.manifest,
      {
        epoch: lease.manifest.epoch + 1,
        counts: countsOf(segments),
        segments,
        // What the scan holds: every change up to its start. Readers replay the log from OVERLAP_MS
        // before it (late commits); counts add the log after it (exact for an AI not written to
        // while the scan ran, and again after the next compaction, which counts its segments).
        folded_through: Timestamp.fromMillis(nowMs),
      },
      Date.now(),
    );
    if (!swapped) {
      throw new AppError(
        "failed_precondition",
        `the search index of AI ${aiUuid} changed under the rebuild; run it again`,
      );
    }
    // Segments of an earlier rebuild that lost its race: no manifest names them.
    const orphans = (await indexSegments(db, aiUuid).select().get()).docs.filter(
      (doc) => !(doc.id in swapped.segments) && !(doc.id in swapped.retired),
    );
    await Promise.all(orphans.map((doc) => doc.ref.delete()));
    await deleteLegacyShards(db, aiUuid);
    // What the old fan-out kept on the registry and beside it; nothing reads it any more.
    await registryRef(db, aiUuid)
      .update({ stats: FieldValue.delete(), event_seq: FieldValue.delete() })
      .catch((error: { code?: number }) => {
        if (error.code !== 5) throw error; // NOT_FOUND: memories of an AI without a registry entry
      });
    await db.recursiveDelete(registryRef(db, aiUuid).collection("event_cursors"));
    clearIndexCache(aiUuid);
    return {
      ai_uuid: aiUuid,
      indexed: entries.size,
      segments: Object.keys(segments).length,
      documents_migrated: migrated,
    };
  } catch (error) {
    await releaseLease(db, aiUuid);
    throw error;
  }
}

/** Every AI of the database, one after the other. */
export async function reindexAll(
  db: Firestore,
  onDone: (report: ReindexReport) => void = () => undefined,
): Promise<ReindexReport[]> {
  const reports: ReindexReport[] = [];
  const ais = await db.collection("ai_registry").select().get();
  for (const ai of ais.docs) {
    const report = await reindexAi(db, ai.id);
    onDone(report);
    reports.push(report);
  }
  return reports;
}
