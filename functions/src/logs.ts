import { logger } from "firebase-functions/logger";
import { AppError } from "./errors";

/**
 * Every line the backend logs, one named call each, so an operator can search for them. Fields are
 * snake_case, as the API names them (`ai_uuid`, `chat_id`, `memory_id`). Never logged: credentials,
 * tokens, request bodies, prompts, memory content; an error is logged by its message and stack.
 */

const described = (error: unknown): string => (error instanceof Error ? (error.stack ?? error.message) : String(error));

interface RequestLine {
  method: string;
  path: string;
}

/** A request answered with a 5xx: an AppError by its code and message, anything else (a bug) with its stack. */
export function serverError(request: RequestLine, status: number, error: unknown): void {
  const fields = { method: request.method, path: request.path, status };
  if (error instanceof AppError) {
    logger.error("request answered with a server error", { ...fields, code: error.code, message: error.message });
  } else {
    logger.error("request failed unexpectedly", { ...fields, error: described(error) });
  }
}

/** A stream that had started failed: its client got the error as the last chunk. */
export const streamFailed = (path: string, error: unknown): void =>
  logger.error("stream failed after it started", { path, error: described(error) });

export const mcpToolFailed = (tool: string, error: unknown): void =>
  logger.error("MCP tool failed", { tool, error: described(error) });

/** Changes of one memory waited past their deadline: the caller got a 503 with Retry-After. */
export const contentionOverload = (key: string, waitedMs: number): void =>
  logger.warn("too many concurrent changes to one memory", { memory: key, waited_ms: waitedMs });

export const consolidationSummaryFailed = (aiUuid: string, error: unknown): void =>
  logger.warn("consolidation: the model failed, archiving without a summary", {
    ai_uuid: aiUuid,
    error: described(error),
  });

export const consolidationGaveUp = (aiUuid: string, attempts: number): void =>
  logger.warn("consolidation: gave up after repeated conflicts", { ai_uuid: aiUuid, attempts });

export const workingMemoryConsolidated = (aiUuid: string, archived: number, summaryId: string | null): void =>
  logger.info("working memory consolidated", { ai_uuid: aiUuid, archived, summary_id: summaryId });

export const factExtraction = (aiUuid: string, chatId: string, outcome: string): void =>
  logger.info("fact extraction", { ai_uuid: aiUuid, chat_id: chatId, outcome });

/** The last attempt failed: the exchange's record says `failed` and nothing retries it. */
export const extractionGaveUp = (aiUuid: string, chatId: string, attempts: number, reason: string): void =>
  logger.error("fact extraction gave up", { ai_uuid: aiUuid, chat_id: chatId, attempts, reason });

/** A step of the memory-change trigger threw: the platform redelivers the event. */
export const triggerStepFailed = (step: string, event: { ai_uuid: string; event_id: string }, error: unknown): void =>
  logger.error("memory-change trigger step failed", {
    step,
    ai_uuid: event.ai_uuid,
    event_id: event.event_id,
    error: described(error),
  });

/** A custom tool left out of a chat turn (a missing secret, an MCP server down): by its name, never its headers. */
export const toolUnavailable = (aiUuid: string, tool: string, error: unknown): void =>
  logger.warn("tool unavailable for a chat turn", {
    ai_uuid: aiUuid,
    tool,
    error: error instanceof AppError ? error.message : "unexpected error",
  });

/** The AI's index log was folded into its segments. */
export const indexCompacted = (
  aiUuid: string,
  report: { folded_log_docs: number; segments_written: number; segments: number; count: number },
): void => logger.info("search index compacted", { ai_uuid: aiUuid, ...report });

/** A compaction failed; the log keeps the changes, and the AI's next change tries again. */
export const indexCompactionFailed = (aiUuid: string, error: unknown): void =>
  logger.warn("search index compaction failed", { ai_uuid: aiUuid, error: described(error) });
