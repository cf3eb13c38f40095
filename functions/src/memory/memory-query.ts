import { FieldPath, type Firestore, type Query, Timestamp } from "firebase-admin/firestore";
import { z } from "zod";
import {
  firestoreDateSchema,
  fitsFirestoreField,
  OBJECT_MACHINERY_KEYS,
  timestampMillisSchema,
} from "../firestore-values";
import { memoryIdSchema } from "../ids";
import { strictObject } from "../validation";
import { MEMORY_SOURCES, type MemoryType, memoryText, type StoredMemory } from "./memory-types";
import { memoryCollection } from "./registry-service";

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()], {
  error: "must be a string, number, boolean or null",
});
const tagListSchema = z
  .array(z.string().min(1, "must not be empty").max(200, "must be at most 200 characters"))
  .max(10, "at most 10 tags");
const textSchema = z.string().trim().min(1, "must not be empty").max(200, "must be at most 200 characters");

/** `filter_query` of retrieve: a string is a text search; an object combines these conditions. */
export const filterQuerySchema = z.union(
  [
    textSchema,
    strictObject({
      tags: tagListSchema.optional().describe("every one of these tags"),
      tags_any: tagListSchema.optional().describe("at least one of these tags"),
      metadata: fitsFirestoreField(z.record(z.string(), scalar), "metadata", OBJECT_MACHINERY_KEYS)
        .optional()
        .describe("metadata fields equal to these values"),
      created_after: firestoreDateSchema.optional(),
      created_before: firestoreDateSchema.optional(),
      source: z.enum(MEMORY_SOURCES, { error: () => `must be one of ${MEMORY_SOURCES.join(", ")}` }).optional(),
      session_id: z.string().min(1, "must not be empty").max(256, "must be at most 256 characters").optional(),
      text_contains: textSchema.optional().describe("case-insensitive substring of the text"),
    }),
  ],
  { error: "must be a text to search for or an object of conditions" },
);
export type FilterQuery = z.infer<typeof filterQuerySchema>;
type FilterObject = Exclude<FilterQuery, string>;

/** Documents read at the most per retrieve call, all types together; past it the answer is partial with a cursor. */
export const SCAN_LIMIT = 1000;

/** A page boundary: the last memory's creation time and id. */
const cursorFieldsSchema = z.strictObject({ t: timestampMillisSchema, id: memoryIdSchema });
type Cursor = z.infer<typeof cursorFieldsSchema>;

export const encodeCursor = (memory: StoredMemory): string =>
  Buffer.from(JSON.stringify({ t: memory.created_at.toMillis(), id: memory.id })).toString("base64url");

const decodeJson = (text: string): unknown => {
  try {
    return JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
  } catch {
    return null;
  }
};

/** A cursor as the API hands it out, decoded at the edge and checked field by field (a client may forge one). */
export const cursorSchema = z
  .string({ error: "must be a string" })
  .min(1, "must not be empty")
  .max(512, "must be at most 512 characters")
  .transform((text, ctx) => {
    const parsed = cursorFieldsSchema.safeParse(decodeJson(text));
    if (parsed.success) return parsed.data;
    ctx.addIssue({ code: "custom", message: "not a cursor returned by this API" });
    return z.NEVER;
  });

function matches(memory: StoredMemory, filter: FilterObject, now: number): boolean {
  if (memory.expires_at && memory.expires_at.toMillis() <= now) return false;
  if (filter.tags && !filter.tags.every((tag) => memory.tags.includes(tag))) return false;
  if (filter.tags_any && !filter.tags_any.some((tag) => memory.tags.includes(tag))) return false;
  if (filter.source && memory.source !== filter.source) return false;
  if (filter.session_id && memory.session_id !== filter.session_id) return false;
  if (filter.metadata) {
    for (const [key, value] of Object.entries(filter.metadata)) {
      if ((memory.metadata?.[key] ?? null) !== value) return false;
    }
  }
  if (filter.text_contains && !memoryText(memory).toLowerCase().includes(filter.text_contains.toLowerCase()))
    return false;
  return true;
}

export interface RetrieveOptions {
  types: MemoryType[];
  limit: number;
  filter?: FilterQuery;
  cursor?: Cursor;
}

export interface RetrieveResult {
  memories: StoredMemory[];
  next_cursor: string | null;
}

/**
 * Newest first, across one or more memory types. Ordering is on (created_at, id), so one cursor
 * serves every type. Only created_at is filtered in Firestore (its single-field index always
 * exists); the other conditions are checked on the documents read, so no composite index is
 * needed in production. The scan is bounded: a partial page comes back with a cursor.
 */
export async function retrieveMemories(
  db: Firestore,
  aiUuid: string,
  options: RetrieveOptions,
): Promise<RetrieveResult> {
  const filter: FilterObject =
    typeof options.filter === "string" ? { text_contains: options.filter } : (options.filter ?? {});
  const cursor = options.cursor ?? null;
  const now = Date.now();
  // One budget for the call, shared by the types it reads.
  const budgetPerType = Math.floor(SCAN_LIMIT / options.types.length);
  const perType = await Promise.all(
    options.types.map((type) =>
      scanType(db, aiUuid, type, filter, cursor, { limit: options.limit, budget: budgetPerType, now }),
    ),
  );
  const merged = perType
    .flatMap((result) => result.memories)
    .sort((a, b) => b.created_at.toMillis() - a.created_at.toMillis() || (a.id < b.id ? 1 : -1));
  const memories = merged.slice(0, options.limit);
  const more = merged.length > options.limit || perType.some((result) => result.more);
  // A type that stopped scanning early bounds how far the merged page may be trusted.
  const last = memories[memories.length - 1];
  const scanStops = perType.filter((result) => result.more && result.lastScanned).map((result) => result.lastScanned!);
  let nextFrom = last;
  for (const stop of scanStops) {
    if (!nextFrom || stop.created_at.toMillis() > nextFrom.created_at.toMillis()) nextFrom = stop;
  }
  const trusted = nextFrom ? memories.filter((memory) => !isAfter(memory, nextFrom)) : memories;
  return { memories: trusted, next_cursor: more && nextFrom ? encodeCursor(nextFrom) : null };
}

const isAfter = (memory: StoredMemory, bound: StoredMemory): boolean =>
  memory.created_at.toMillis() < bound.created_at.toMillis() ||
  (memory.created_at.toMillis() === bound.created_at.toMillis() && memory.id < bound.id);

async function scanType(
  db: Firestore,
  aiUuid: string,
  type: MemoryType,
  filter: FilterObject,
  cursor: Cursor | null,
  { limit, budget, now }: { limit: number; budget: number; now: number },
): Promise<{ memories: StoredMemory[]; more: boolean; lastScanned: StoredMemory | null }> {
  let query: Query<StoredMemory> = memoryCollection(db, aiUuid, type)
    .orderBy("created_at", "desc")
    .orderBy(FieldPath.documentId(), "desc");
  if (filter.created_after) query = query.where("created_at", ">", Timestamp.fromDate(new Date(filter.created_after)));
  if (filter.created_before)
    query = query.where("created_at", "<", Timestamp.fromDate(new Date(filter.created_before)));
  let after: [Timestamp, string] | null = cursor ? [Timestamp.fromMillis(cursor.t), cursor.id] : null;
  const found: StoredMemory[] = [];
  let scanned = 0;
  let lastScanned: StoredMemory | null = null;
  // Unfiltered, one page of limit + 1 answers (the extra tells whether more follow); filtered
  // listings read wider pages, since some documents will not match.
  const filtered = Object.keys(filter).some((key) => key !== "created_after" && key !== "created_before");
  const pageSize = filtered ? Math.min(Math.max(limit * 4, 50), 500) : limit + 1;
  for (;;) {
    const size = Math.min(pageSize, budget - scanned);
    const page = await (after ? query.startAfter(...after) : query).limit(size).get();
    for (const doc of page.docs) {
      const memory = doc.data();
      scanned += 1;
      lastScanned = memory;
      if (matches(memory, filter, now)) found.push(memory);
      if (found.length > limit) return { memories: found, more: true, lastScanned: null };
    }
    if (page.size < size) return { memories: found, more: false, lastScanned };
    if (scanned >= budget) return { memories: found, more: true, lastScanned };
    after = [lastScanned!.created_at, lastScanned!.id];
  }
}
