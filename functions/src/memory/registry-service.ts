import { randomUUID } from "node:crypto";
import { FieldValue, type Firestore, Timestamp } from "firebase-admin/firestore";
import { AppError, notFound } from "../errors";
import { type AiSettings, DEFAULT_SETTINGS, settingsOf } from "./ai-settings";
import type { RoomEvent } from "../events/room-events";
import { storedAs } from "../firestore-converter";
import { countMemories } from "../search/index-store";
import { MEMORY_TYPES, type MemoryType, type StoredMemory } from "./memory-types";

export type { AiSettings };

/** The registry document of one AI (`ai_registry/{ai_uuid}`). */
export interface AiRecord {
  ai_uuid: string;
  name: string;
  owner_id: string;
  /** The user who owns the AI; null (or absent, before users existed) for the administrator's. */
  owner_uid?: string | null;
  status: "active" | "disabled";
  created_at: Timestamp;
  updated_at: Timestamp;
  settings: AiSettings;
  access: { readers: string[] };
  token_version: number;
}

/** A setting of the AI, or its default when the AI was registered before the setting existed. */
export const settingOf = <K extends keyof AiSettings>(ai: AiRecord, key: K): AiSettings[K] =>
  settingsOf(ai.settings)[key];

export const registryCollection = (db: Firestore) => db.collection("ai_registry").withConverter(storedAs<AiRecord>());
export const registryRef = (db: Firestore, aiUuid: string) => registryCollection(db).doc(aiUuid);
export const memoryCollection = (db: Firestore, aiUuid: string, type: MemoryType) =>
  registryRef(db, aiUuid).collection(type).withConverter(storedAs<StoredMemory>());

/** Where the client SDK and other clients find an AI's data. */
export function databasePaths(aiUuid: string) {
  const registry = `ai_registry/${aiUuid}`;
  return {
    registry,
    memories: Object.fromEntries(MEMORY_TYPES.map((type) => [type, `${registry}/${type}`])) as Record<
      MemoryType,
      string
    >,
    room: `${registry}/events`,
    presence: `${registry}/presence`,
    chat_sessions: "chat_sessions",
    chats: "chats",
  };
}

/** A new AI's registry document, not yet written. */
export function newAiRecord(
  name: string,
  owner: { ownerId: string; ownerUid: string | null },
  now = Timestamp.now(),
): AiRecord {
  const aiUuid = randomUUID();
  return {
    ai_uuid: aiUuid,
    name,
    owner_id: owner.ownerId,
    owner_uid: owner.ownerUid,
    status: "active",
    created_at: now,
    updated_at: now,
    settings: { ...DEFAULT_SETTINGS },
    access: { readers: [aiUuid] },
    token_version: 1,
  };
}

export async function getAi(db: Firestore, aiUuid: string): Promise<AiRecord> {
  const snapshot = await registryRef(db, aiUuid).get();
  const ai = snapshot.data();
  if (!ai) throw notFound(`AI ${aiUuid}`);
  return ai;
}

/** The seed routes carry `ai_name` beside `ai_uuid`; when given it must be the registered name. */
export function assertAiName(ai: AiRecord, aiName: string | undefined): void {
  if (aiName !== undefined && aiName !== ai.name) {
    throw new AppError(
      "invalid_argument",
      `ai_name: "${aiName}" is not the name registered for ai_uuid ${ai.ai_uuid}`,
      { field: "ai_name" },
    );
  }
}

/** The newest AIs, or those of one owner (a user's uid). */
export async function listAis(db: Firestore, limit: number, ownerUid?: string): Promise<AiRecord[]> {
  const all = registryCollection(db);
  const query = ownerUid === undefined ? all : all.where("owner_uid", "==", ownerUid);
  const snapshot = await query.orderBy("created_at", "desc").limit(limit).get();
  return snapshot.docs.map((doc) => doc.data());
}

export async function updateAi(
  db: Firestore,
  aiUuid: string,
  changes: { name?: string; status?: AiRecord["status"]; settings?: Partial<AiSettings> },
  now = Timestamp.now(),
): Promise<AiRecord> {
  const ref = registryRef(db, aiUuid);
  const update: Record<string, unknown> = { updated_at: now };
  if (changes.name !== undefined) update.name = changes.name;
  if (changes.status !== undefined) update.status = changes.status;
  for (const [key, value] of Object.entries(changes.settings ?? {})) update[`settings.${key}`] = value;
  try {
    await ref.update(update);
  } catch (error) {
    if ((error as { code?: number }).code === 5) throw notFound(`AI ${aiUuid}`);
    throw error;
  }
  return getAi(db, aiUuid);
}

/** Revokes every ai_token of the AI issued so far. */
export async function revokeAiTokens(db: Firestore, aiUuid: string): Promise<number> {
  await getAi(db, aiUuid);
  await registryRef(db, aiUuid).update({ token_version: FieldValue.increment(1), updated_at: Timestamp.now() });
  return (await getAi(db, aiUuid)).token_version;
}

/**
 * Memories per type: from the counts the AI's search index keeps (two reads, whatever its size),
 * or, for an AI whose index has no manifest yet (fewer than 64 changes, or not migrated), counted
 * with count() (one read per 1,000 memories). No document takes a write per change to keep them.
 */
export async function memoryCounts(db: Firestore, aiUuid: string): Promise<Record<MemoryType, number>> {
  const indexed = await countMemories(db, aiUuid);
  if (indexed) return indexed;
  const counts = await Promise.all(MEMORY_TYPES.map((type) => memoryCollection(db, aiUuid, type).count().get()));
  return Object.fromEntries(MEMORY_TYPES.map((type, index) => [type, counts[index].data().count])) as Record<
    MemoryType,
    number
  >;
}

/** When anything last happened in the AI's room (a memory change or a message), or null. */
async function lastActivityAt(db: Firestore, aiUuid: string): Promise<string | null> {
  const snapshot = await registryRef(db, aiUuid)
    .collection("events")
    .orderBy("at", "desc")
    .limit(1)
    .select("at")
    .withConverter(storedAs<Pick<RoomEvent, "at">>())
    .get();
  const at = snapshot.docs[0]?.data().at;
  return at ? at.toDate().toISOString() : null;
}

/** The AI as the API answers it, with its memory counts and last activity. */
export async function aiView(db: Firestore, ai: AiRecord) {
  const [stats, lastActivity] = await Promise.all([memoryCounts(db, ai.ai_uuid), lastActivityAt(db, ai.ai_uuid)]);
  return { ...toAiView(ai), stats, last_activity_at: lastActivity };
}

export function toAiView(ai: AiRecord) {
  return {
    ai_uuid: ai.ai_uuid,
    ai_name: ai.name,
    owner_id: ai.owner_id,
    owner_uid: ai.owner_uid ?? null,
    status: ai.status,
    created_at: ai.created_at.toDate().toISOString(),
    updated_at: ai.updated_at.toDate().toISOString(),
    settings: settingsOf(ai.settings),
    database_paths: databasePaths(ai.ai_uuid),
  };
}
