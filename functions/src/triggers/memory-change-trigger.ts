import type { DocumentData } from "firebase-admin/firestore";
import { logger } from "firebase-functions/logger";
import { composeTriggerDeps, type TriggerDeps } from "../compose";
import { extractFacts } from "../facts/extraction-service";
import { consolidateWorkingMemory } from "../memory/consolidation-service";
import { MEMORY_TYPES, type MemoryType, memoryText, type StoredMemory } from "../memory/memory-types";
import { memoryCollection } from "../memory/registry-service";
import { embedMemory, removeEmbedding } from "../search/embedding-service";

/** The part of a Firestore "document created" event the handler reads; a test can hand in a plain object. */
export interface RoomEventTrigger {
  params: { ai_uuid: string; event_id: string };
  data?: { data(): DocumentData | undefined };
}

interface MemoryUpdate {
  action: string;
  memory_type: MemoryType;
  memory_id: string;
  source?: string;
}

function memoryUpdateOf(event: RoomEventTrigger): MemoryUpdate | null {
  const room = event.data?.data();
  if (room?.event !== "memory_update") return null;
  const data = room.data as Partial<MemoryUpdate> | undefined;
  if (!data?.memory_id || !MEMORY_TYPES.includes(data.memory_type as MemoryType)) return null;
  return data as MemoryUpdate;
}

/** Its embedding follows the memory's text; a move keeps both. */
async function embeddingStep(deps: TriggerDeps, aiUuid: string, change: MemoryUpdate): Promise<string> {
  const embedder = deps.models.embedder;
  if (!embedder || change.action === "moved") return "skipped";
  if (change.action === "deleted") {
    await removeEmbedding(deps.db, aiUuid, change.memory_id);
    return "removed";
  }
  const doc = await memoryCollection(deps.db, aiUuid, change.memory_type).doc(change.memory_id).get();
  // Gone since: the event of that change removes the embedding.
  if (!doc.exists) return "gone";
  return embedMemory(deps.db, aiUuid, change.memory_id, memoryText(doc.data() as StoredMemory), embedder);
}

/** A working memory more may put the AI over its limit. */
async function consolidationStep(deps: TriggerDeps, aiUuid: string, change: MemoryUpdate): Promise<void> {
  if (change.memory_type !== "working_memory" || !["created", "moved"].includes(change.action)) return;
  const result = await consolidateWorkingMemory(deps.db, aiUuid, deps.models.chat);
  if (result) logger.info("working memory consolidated", { ai_uuid: aiUuid, archived: result.archived.length, summary_id: result.summary_id });
}

/**
 * A chat exchange (its working memory has the chat's id) may teach the AI facts: they are
 * extracted and reconciled with its long-term memory once per exchange. A failed attempt throws,
 * so the platform redelivers the event, up to the attempts the exchange's record allows.
 */
async function extractionStep(deps: TriggerDeps, aiUuid: string, change: MemoryUpdate): Promise<void> {
  if (change.action !== "created" || change.source !== "chat" || change.memory_type !== "working_memory") return;
  const outcome = await extractFacts(deps, aiUuid, change.memory_id);
  logger.info("fact extraction", { ai_uuid: aiUuid, chat_id: change.memory_id, outcome });
}

/**
 * The one trigger behind every memory change: it runs on the `memory_update` event the service
 * wrote with the change, so it knows what happened without reading it back. Each step is
 * idempotent (embeddings by text hash, consolidation by the set it moves, extraction by its
 * record per chat), so a redelivery changes nothing twice. Other room events (clients'
 * messages) return at once.
 */
export async function handleRoomEvent(event: RoomEventTrigger, deps: TriggerDeps = composeTriggerDeps()): Promise<string> {
  const change = memoryUpdateOf(event);
  if (!change) return "ignored";
  const aiUuid = event.params.ai_uuid;
  const embedded = await embeddingStep(deps, aiUuid, change);
  await consolidationStep(deps, aiUuid, change);
  await extractionStep(deps, aiUuid, change);
  return embedded;
}
