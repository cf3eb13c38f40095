import type { Firestore } from "firebase-admin/firestore";
import type {
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionMessageParam,
} from "openai/resources/chat/completions";
import { chatsCollection, type StoredChat } from "../chat/chat-log";
import type { ChatModel, ModelDeps } from "../models/model-client";
import { AppError } from "../errors";
import { readAll } from "../firestore-converter";
import * as logs from "../logs";
import { settingsOf } from "../memory/ai-settings";
import { type AiRecord, registryRef } from "../memory/registry-service";
import { extractionResponseFormat, parseExtractionAnswer } from "./extraction-answer";
import { extractionMessages, promptTokens } from "./extraction-prompt";
import {
  callsOnDay,
  claimAttempt,
  type ExtractionRecord,
  extractionRef,
  isFinal,
  recordFailure,
  recordSkipped,
  utcDay,
} from "./extraction-record";
import { relatedMemories } from "./related-memories";
import { applyDecisions } from "./reconciliation-service";

/**
 * Fact extraction for one chat exchange, as the memory trigger runs it: one model call that both
 * extracts the durable facts and reconciles them with the related long-term memories, then one
 * transaction that applies the decisions with the exchange's record. A failed call or a
 * malformed answer changes nothing; the attempt is recorded and the caller's error makes the
 * platform redeliver, up to MAX_ATTEMPTS.
 */

export interface ExtractionDeps {
  db: Firestore;
  models: ModelDeps;
}

export type ExtractionOutcome = "done" | "off" | "not_an_exchange" | ExtractionRecord["status"];

/** A failed attempt that will be retried: thrown so the platform redelivers the event. */
export class ExtractionRetry extends Error {}

/** Another delivery holds the attempt: retried too, but it spends none of the trigger step's deliveries. */
export class ExtractionBusy extends ExtractionRetry {
  readonly busy = true;
}

/** The AI's extraction settings, with the defaults for AIs created before they existed. */
export function extractionSettings(ai: AiRecord) {
  const settings = settingsOf(ai.settings);
  return {
    enabled: settings.extraction_enabled,
    model: settings.extraction_model || settings.model,
    dailyCap: settings.extraction_daily_cap,
  };
}

/** Answer tokens at most: ten short decisions fit with room to spare. */
const MAX_ANSWER_TOKENS = 1500;

/** The model's answer text. A server that refuses structured output (HTTP 400) is asked again without it. */
async function ask(model: ChatModel, name: string, messages: ChatCompletionMessageParam[]): Promise<string> {
  const request: ChatCompletionCreateParamsNonStreaming = {
    model: name,
    messages,
    max_completion_tokens: MAX_ANSWER_TOKENS,
    response_format: extractionResponseFormat(),
  };
  try {
    return (await model.complete(request)).choices[0]?.message?.content ?? "";
  } catch (error) {
    const status =
      error instanceof AppError
        ? (error.details as { upstream_status?: number } | undefined)?.upstream_status
        : undefined;
    if (status !== 400) throw error;
    const { response_format: _format, ...plain } = request;
    return (await model.complete(plain)).choices[0]?.message?.content ?? "";
  }
}

async function attempt(deps: ExtractionDeps, model: ChatModel, modelName: string, chat: StoredChat): Promise<void> {
  const exchange = { user: chat.message, assistant: chat.response };
  const shown = await relatedMemories(deps.db, chat.ai_uuid, exchange, deps.models.embedder);
  const messages = extractionMessages({ ...exchange, at: chat.timestamp.toDate().toISOString() }, shown);
  const parsed = parseExtractionAnswer(
    await ask(model, modelName, messages),
    new Set(shown.map((memory) => memory.ref)),
  );
  if (!parsed.ok) throw new AppError("upstream_error", parsed.reason);
  await applyDecisions(deps.db, {
    aiUuid: chat.ai_uuid,
    chat: { id: chat.id, session_id: chat.session_id },
    decisions: parsed.decisions,
    shown,
    promptTokens: promptTokens(messages),
  });
}

/** Extracts and reconciles the facts of the exchange `chatId` of the AI, at most once. */
export async function extractFacts(
  deps: ExtractionDeps,
  aiUuid: string,
  chatId: string,
  nowMs = Date.now(),
): Promise<ExtractionOutcome> {
  const model = deps.models.chat;
  if (!model) return "off";
  const [aiDoc, chatDoc, recordDoc] = await readAll(
    deps.db,
    registryRef(deps.db, aiUuid),
    chatsCollection(deps.db).doc(chatId),
    extractionRef(deps.db, aiUuid, chatId),
  );
  const record = recordDoc.data();
  if (record && isFinal(record.status)) return record.status;
  const chat = chatDoc.data();
  const ai = aiDoc.data();
  if (!ai || !chat || chat.ai_uuid !== aiUuid) return "not_an_exchange";
  const settings = extractionSettings(ai);
  if (!settings.enabled) return "off";
  const exchange = { id: chat.id, session_id: chat.session_id };
  if (!record && (await callsOnDay(deps.db, aiUuid, utcDay(nowMs))) >= settings.dailyCap) {
    await recordSkipped(
      deps.db,
      aiUuid,
      exchange,
      `the daily cap of ${settings.dailyCap} extractions (extraction_daily_cap) was reached on ${utcDay(nowMs)}`,
    );
    return "skipped";
  }
  const modelName = settings.model || model.defaultModel;
  const claim = await claimAttempt(deps.db, aiUuid, exchange, modelName, nowMs);
  // Another delivery holds the lease, or held it and died: thrown, so the platform delivers again,
  // and the delivery after the lease runs out takes the attempt over.
  if (!claim.go && claim.status === "running")
    throw new ExtractionBusy(`fact extraction of chat ${chatId}: another delivery holds the attempt's lease`);
  if (!claim.go) return claim.status;
  try {
    await attempt(deps, model, modelName, chat);
    return "done";
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const status = await recordFailure(deps.db, aiUuid, chatId, claim.attempt, reason);
    if (status === "failed") logs.extractionGaveUp(aiUuid, chatId, claim.attempt, reason);
    if (status === "retrying")
      throw new ExtractionRetry(`fact extraction of chat ${chatId}, attempt ${claim.attempt}: ${reason}`);
    return status;
  }
}
