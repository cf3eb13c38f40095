import { adminApp } from "../admin-app";
import { type DocumentData, type DocumentReference, type Firestore, getFirestore } from "firebase-admin/firestore";
import { logger } from "firebase-functions";
import { type ModelDeps, openAiModels } from "../chat/model-client";
import { readAppConfig } from "../config";
import { consolidateWorkingMemory } from "./consolidation-service";
import { embedMemory, type EmbeddedFields } from "./embedding-service";
import type { MemoryType, StoredMemory } from "./memory-types";
import { memoryCollection } from "./registry-service";

interface SnapshotLike {
  readonly exists: boolean;
  data(): DocumentData | undefined;
}

/** The part of a Firestore write event these handlers read; a test can hand in a plain object. */
export interface MemoryTriggerEvent {
  params: { ai_uuid: string; memory_id: string };
  data?: { before?: SnapshotLike; after?: SnapshotLike };
}

export interface TriggerDeps {
  db: Firestore;
  models: ModelDeps;
}

let composed: TriggerDeps | null = null;

/** The Admin SDK and the models, once per instance, on first use. */
function triggerDeps(): TriggerDeps {
  if (composed) return composed;
  composed = { db: getFirestore(adminApp()), models: openAiModels(readAppConfig()) };
  return composed;
}

/** After each memory write: its embedding, when an embedding model is configured. */
export async function handleEmbeddingWrite(type: MemoryType, event: MemoryTriggerEvent, deps: TriggerDeps = triggerDeps()): Promise<string> {
  const embedder = deps.models.embedder;
  const memory = (event.data?.after?.exists ? event.data.after.data() : undefined) as (StoredMemory & EmbeddedFields) | undefined;
  if (!embedder || !memory) return "skipped";
  const ref = memoryCollection(deps.db, event.params.ai_uuid, type).doc(event.params.memory_id) as DocumentReference;
  return embedMemory(ref, memory, embedder);
}

/** After each new working memory: consolidation when the AI's working memory is over its limit. */
export async function handleWorkingMemoryCreated(event: MemoryTriggerEvent, deps: TriggerDeps = triggerDeps()): Promise<void> {
  if (event.data?.before?.exists || !event.data?.after?.exists) return;
  const result = await consolidateWorkingMemory(deps.db, event.params.ai_uuid, deps.models.chat);
  if (result) logger.info("working memory consolidated", { ai_uuid: event.params.ai_uuid, archived: result.archived.length, summary_id: result.summary_id });
}

/** The index trigger of each memory collection: embeddings, and consolidation of working memory. */
export async function handleMemoryIndexing(type: MemoryType, event: MemoryTriggerEvent, deps: TriggerDeps = triggerDeps()): Promise<void> {
  await handleEmbeddingWrite(type, event, deps);
  if (type === "working_memory") await handleWorkingMemoryCreated(event, deps);
}
