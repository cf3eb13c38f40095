/**
 * The product's code as it deploys: the built functions (functions/lib, compiled by the runner
 * before the bench starts), typed from their sources. Every value the bench takes from the product
 * comes from here, so the app, its index cache and the services the bench calls are one copy.
 */
import { createRequire } from "node:module";

const lib = createRequire(new URL("../../functions/lib/index.js", import.meta.url));

export const { createApp } = lib("./http/app.js") as typeof import("../../functions/src/http/app");
export const { openAiModels } = lib(
  "./models/model-client.js",
) as typeof import("../../functions/src/models/model-client");
export const { IMPORT_MAX, importMemories } = lib(
  "./memory/memory-transfer.js",
) as typeof import("../../functions/src/memory/memory-transfer");
export const { embeddingHashOf, embeddingsCollection, nearestMemories } = lib(
  "./search/embedding-service.js",
) as typeof import("../../functions/src/search/embedding-service");
export const { clearIndexCache, loadIndex } = lib(
  "./search/index-cache.js",
) as typeof import("../../functions/src/search/index-cache");
export const { roomCollection } = lib(
  "./events/room-events.js",
) as typeof import("../../functions/src/events/room-events");
export const { searchMemories } = lib(
  "./search/memory-search.js",
) as typeof import("../../functions/src/search/memory-search");
export const { MemoryIndex } = lib(
  "./search/memory-index.js",
) as typeof import("../../functions/src/search/memory-index");
export const { decodeEntry, encodeEntry, entryOf } = lib(
  "./search/index-entry.js",
) as typeof import("../../functions/src/search/index-entry");
export const { INDEX_MAX_MEMORIES } = lib(
  "./search/index-limits.js",
) as typeof import("../../functions/src/search/index-limits");
export const { emptyManifest, indexLog, indexSegments, manifestRef, OVERLAP_MS, readIndexSnapshot, readLog } = lib(
  "./search/index-store.js",
) as typeof import("../../functions/src/search/index-store");
export const { encodeSegment, readSegment } = lib(
  "./search/index-segment.js",
) as typeof import("../../functions/src/search/index-segment");
export const { compactIndex, countsOf, swapManifest, writeSegments } = lib(
  "./search/index-compaction.js",
) as typeof import("../../functions/src/search/index-compaction");
