import type { DocumentData } from "firebase-admin/firestore";
import { composeTriggerDeps, type TriggerDeps } from "../compose";
import { extractFacts } from "../facts/extraction-service";
import * as logs from "../logs";
import { consolidateWorkingMemory } from "../memory/consolidation-service";
import { type MemoryUpdate, memoryUpdateSchema } from "../events/memory-update";
import { memoryText } from "../memory/memory-types";
import { AiDeletedError, aiIsGone } from "../memory/ai-deletion";
import { memoryCollection } from "../memory/registry-service";
import { embedMemory, removeEmbedding } from "../search/embedding-service";
import { compactIfDue } from "../search/index-compaction";
import { runSteps } from "./trigger-steps";

/** The part of a Firestore "document created" event the handler reads; a test can hand in a plain object. */
export interface RoomEventTrigger {
  params: { ai_uuid: string; event_id: string };
  data?: { data(): DocumentData | undefined };
}

function memoryUpdateOf(event: RoomEventTrigger): MemoryUpdate | null {
  const room = event.data?.data();
  if (room?.event !== "memory_update") return null;
  const parsed = memoryUpdateSchema.safeParse(room.data);
  return parsed.success ? parsed.data : null;
}

/**
 * Its embedding follows the memory's text. A move keeps the id, so the stored vector usually
 * matches (no model call); it does not when the memory moved before the event of its creation or
 * edit ran, which then found nothing at the type it was written to.
 */
async function embeddingStep(deps: TriggerDeps, aiUuid: string, change: MemoryUpdate): Promise<string> {
  const embedder = deps.models.embedder;
  if (!embedder) return "skipped";
  if (change.action === "deleted") {
    await removeEmbedding(deps.db, aiUuid, change.memory_id);
    return "removed";
  }
  const doc = await memoryCollection(deps.db, aiUuid, change.memory_type).doc(change.memory_id).get();
  const memory = doc.data();
  // Gone since: the event of that change removes the embedding.
  if (!memory) return "gone";
  return embedMemory(deps.db, aiUuid, change.memory_id, memoryText(memory), embedder);
}

/** A working memory more may put the AI over its limit. */
async function consolidationStep(deps: TriggerDeps, aiUuid: string, change: MemoryUpdate): Promise<void> {
  if (change.memory_type !== "working_memory" || !["created", "moved"].includes(change.action)) return;
  const result = await consolidateWorkingMemory(deps.db, aiUuid, deps.models.chat);
  if (result) logs.workingMemoryConsolidated(aiUuid, result.archived.length, result.summary_id);
}

/**
 * A chat exchange (its working memory has the chat's id) may teach the AI facts: they are
 * extracted and reconciled with its long-term memory once per exchange. A failed attempt throws,
 * so the platform redelivers the event, up to the attempts the exchange's record allows.
 */
async function extractionStep(deps: TriggerDeps, aiUuid: string, change: MemoryUpdate): Promise<void> {
  if (change.action !== "created" || change.source !== "chat" || change.memory_type !== "working_memory") return;
  const outcome = await extractFacts(deps, aiUuid, change.memory_id);
  logs.factExtraction(aiUuid, change.memory_id, outcome);
}

/**
 * Folds the AI's index log into its segments once enough has gathered (index-compaction.ts). Not
 * a step of this event: a failure is logged, and the next change of the AI tries again. An AI
 * deleted meanwhile is no failure: its index went with it.
 */
async function compactionStep(deps: TriggerDeps, aiUuid: string): Promise<void> {
  try {
    const report = await compactIfDue(deps.db, aiUuid);
    if (report?.compacted) logs.indexCompacted(aiUuid, report);
  } catch (error) {
    if (!(error instanceof AiDeletedError) && !(await aiIsGone(deps.db, aiUuid)))
      logs.indexCompactionFailed(aiUuid, error);
  }
}

/**
 * The one trigger behind every memory change: it runs on the `memory_update` event the service
 * wrote with the change, so it knows what happened without reading it back. Each step is
 * idempotent (embeddings by text hash, consolidation by the set it moves, extraction by its
 * record per chat), so a redelivery changes nothing twice, and each runs whatever the others do:
 * a failing step is recorded and retried on its own (trigger-steps.ts). Other room events
 * (clients' messages) return at once.
 */
export async function handleRoomEvent(
  event: RoomEventTrigger,
  deps: TriggerDeps = composeTriggerDeps(),
): Promise<string> {
  const change = memoryUpdateOf(event);
  if (!change) return "ignored";
  const aiUuid = event.params.ai_uuid;
  // A deleted AI: its data is being swept, and retrying would only fail again.
  if (await aiIsGone(deps.db, aiUuid)) return "ai_deleted";
  let embedded = "not_run";
  try {
    await runSteps(deps.db, event.params, {
      embedding: async () => {
        embedded = await embeddingStep(deps, aiUuid, change);
      },
      consolidation: () => consolidationStep(deps, aiUuid, change),
      extraction: () => extractionStep(deps, aiUuid, change),
    });
  } finally {
    await compactionStep(deps, aiUuid);
  }
  return embedded;
}
