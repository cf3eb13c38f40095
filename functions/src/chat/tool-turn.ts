import { Timestamp } from "firebase-admin/firestore";
import { writeRoomEvent } from "../events/room-events";
import { writeUnlessDeleted } from "../memory/ai-deletion";
import { settingOf } from "../memory/registry-service";
import type { ToolCallReport } from "../tools/server-tool";
import type { StoredChat } from "./chat-log";
import { answerText, type CompletionDeps, type CompletionInput, type Prepared, store } from "./completion-turn";
import { toolLoop } from "./tool-loop";
import { completionOf } from "./tool-round";

/** Tool calls stop being run this long after the turn began: the turn stays within the chat's bounds. */
export const TOOL_TIME_MS = 30_000;

type FreshTurn = Extract<Prepared, { kind: "fresh" }>;

/** Each call the server ran, as a `tool_call` event in the AI's room (arguments, status, time; no result). */
function roomEventWriter(deps: CompletionDeps, input: CompletionInput, turn: FreshTurn) {
  let count = 0;
  return async (report: ToolCallReport) => {
    const eventId = `${turn.chatId}-tool-${++count}`;
    await writeUnlessDeleted(deps.db, input.ai.ai_uuid, (tx) =>
      writeRoomEvent(tx, deps.db, input.ai.ai_uuid, eventId, {
        event: "tool_call",
        data: { chat_id: turn.chatId, session_id: turn.session.id, ...report },
        sender: { kind: "system" },
        now: Timestamp.now(),
      }),
    );
  };
}

/**
 * A turn with the AI's own tools: the tool loop, then the exchange stored once with its
 * `tool_calls`. Streamed, it yields the loop's chunks and then the `memory` chunk; plain, it
 * yields nothing and returns the stored chat.
 */
export async function* toolTurn(
  deps: CompletionDeps,
  input: CompletionInput,
  turn: FreshTurn,
  stream: boolean,
): AsyncGenerator<object, StoredChat> {
  try {
    const outcome = yield* toolLoop({
      model: turn.model,
      upstream: turn.upstream,
      toolbox: turn.toolbox,
      steps: settingOf(input.ai, "tool_steps"),
      stream,
      deadlineMs: Date.now() + TOOL_TIME_MS,
      onCall: roomEventWriter(deps, input, turn),
    });
    const { message, head, usage } = outcome;
    // The loop's own answer text: every round's, as a streamed caller saw it.
    const chat = await store(deps, input, turn, {
      text: answerText(message.content, message.tool_calls),
      model: head.model,
      usage,
      toolCalls: outcome.toolCalls,
      completion: (memory) => completionOf(outcome, memory),
    });
    if (stream) yield { ...head, object: "chat.completion.chunk", choices: [], usage, memory: chat.completion.memory };
    return chat;
  } finally {
    await turn.toolbox.close();
  }
}

/** Runs a plain tool turn to its end. */
export async function completeToolTurn(
  deps: CompletionDeps,
  input: CompletionInput,
  turn: FreshTurn,
): Promise<StoredChat> {
  const turnRun = toolTurn(deps, input, turn, false);
  for (;;) {
    const next = await turnRun.next();
    if (next.done) return next.value;
  }
}
