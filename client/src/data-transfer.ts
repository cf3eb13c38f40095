import type { Answer, RequestBody } from "./types.js";

/** Memories per import call, as the server takes them (an export page holds as many). */
export const IMPORT_BATCH = 200;

type ExportPage = Answer<"exportAi">;
type ImportItem = RequestBody<"importMemories">["memories"][number];

/** Every page of an export, in order, each asked for with the previous page's `next_cursor`. */
export async function* exportPages(page: (cursor: string | undefined) => Promise<ExportPage>) {
  let cursor: string | undefined;
  do {
    const answer = await page(cursor);
    yield answer;
    cursor = answer.next_cursor ?? undefined;
  } while (cursor);
}

/**
 * Imports any number of memories, IMPORT_BATCH per call. Each call is all or nothing; when one
 * fails, the batches before it stay imported and the error says how many (`imported` on it).
 */
export async function importInBatches(
  memories: ImportItem[],
  send: (batch: ImportItem[]) => Promise<Answer<"importMemories">>,
): Promise<Answer<"importMemories">> {
  const result: Answer<"importMemories"> = { imported: 0, memory_ids: [] };
  for (let start = 0; start < memories.length; start += IMPORT_BATCH) {
    try {
      const answer = await send(memories.slice(start, start + IMPORT_BATCH));
      result.imported += answer.imported;
      result.memory_ids.push(...answer.memory_ids);
    } catch (error) {
      Object.assign(error as object, { imported: result.imported });
      throw error;
    }
  }
  return result;
}
