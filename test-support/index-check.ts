import { MEMORY_TYPES } from "../functions/src/memory/memory-types";
import { memoryCollection } from "../functions/src/memory/registry-service";
import { entriesOf, readIndexSnapshot } from "../functions/src/search/index-store";
import { db } from "./emulator";

/** Every entry of an AI's persisted index (segments, or legacy shards, with the log on top), read at one moment. */
export async function persistedEntries(aiUuid: string, database = db) {
  return [...entriesOf(await readIndexSnapshot(database, aiUuid))];
}

/** What an AI holds, by id and type, in its collections and in its search index, read at one moment each. */
export async function indexAndCollections(aiUuid: string, database = db) {
  const lists = await Promise.all(MEMORY_TYPES.map((type) => memoryCollection(database, aiUuid, type).select().get()));
  const collections = Object.fromEntries(
    MEMORY_TYPES.flatMap((type, index) => lists[index].docs.map((doc) => [doc.id, type] as const)).sort(),
  );
  const entries = await persistedEntries(aiUuid, database);
  const index = Object.fromEntries(entries.map((entry) => [entry.id, entry.type] as const).sort());
  return { collections, index };
}
