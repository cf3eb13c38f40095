import { useState } from "preact/hooks";
import { streamChat } from "../live/chat-stream";
import type { AiView, MemoryReport } from "../types";
import { MemoryRefs } from "./memory-refs";
import { ToolCallList } from "./tool-calls";
import { Empty, ErrorNote, useAction } from "./ui";

interface Turn {
  message: string;
  answer: string;
  memory: MemoryReport | null;
}

/**
 * Chat with the AI through the OpenAI-compatible endpoint, streamed, and see beside each answer
 * the memories it was given and what it stored. Turns share one session until "New session".
 */
export function Playground({ ai }: { ai: AiView }) {
  const [turns, setTurns] = useState<Turn[]>([]);
  const [sessionId, setSessionId] = useState<string | undefined>();
  const [message, setMessage] = useState("");
  const action = useAction();
  const send = async (event: Event) => {
    event.preventDefault();
    const text = message.trim();
    if (!text) return;
    setMessage("");
    const index = turns.length;
    const update = (patch: (turn: Turn) => Partial<Turn>) =>
      setTurns((current) => current.map((turn, at) => (at === index ? { ...turn, ...patch(turn) } : turn)));
    setTurns((current) => [...current, { message: text, answer: "", memory: null }]);
    const report = await action.run(() =>
      streamChat({ ai_uuid: ai.ai_uuid, session_id: sessionId, message: text }, (piece) =>
        update((turn) => ({ answer: turn.answer + piece })),
      ),
    );
    if (report) {
      update(() => ({ memory: report }));
      setSessionId(report.session_id);
    } else {
      // Nothing was stored: the turn goes, its message comes back to try again.
      setTurns((current) => current.filter((turn, at) => at !== index || turn.answer !== ""));
      setMessage((typed) => typed || text);
    }
  };
  return (
    <div class="playground">
      <div class="row between">
        <p class="muted">{sessionId ? `Session ${sessionId}` : "A new session starts with the first message."}</p>
        <button
          type="button"
          class="button small"
          onClick={() => {
            setTurns([]);
            setSessionId(undefined);
          }}
        >
          New session
        </button>
      </div>
      {turns.length === 0 && <Empty>Say something to {ai.ai_name}. Each answer shows the memories it was given.</Empty>}
      <ol class="plain turns">
        {turns.map((turn, index) => (
          <li key={index} class="turn">
            <div class="turn-chat">
              <p class="bubble user">
                <strong>You</strong>
                {turn.message}
              </p>
              <p class="bubble assistant" aria-live="polite">
                <strong>{ai.ai_name}</strong>
                {turn.answer || (action.busy && index === turns.length - 1 ? "…" : "")}
              </p>
            </div>
            {turn.memory && (
              <aside class="turn-memory" aria-label="Memory of this answer">
                <MemoryRefs aiUuid={ai.ai_uuid} ids={turn.memory.context_memory_ids} label="Given to the model" />
                <MemoryRefs aiUuid={ai.ai_uuid} ids={turn.memory.stored_memory_ids} label="Stored" />
                {turn.memory.tool_calls?.length ? <ToolCallList calls={turn.memory.tool_calls} /> : null}
              </aside>
            )}
          </li>
        ))}
      </ol>
      {action.error ? <ErrorNote error={action.error} /> : null}
      <form class="search-row" onSubmit={send}>
        <textarea
          name="message"
          aria-label="Message"
          rows={2}
          placeholder={`Message ${ai.ai_name}…`}
          value={message}
          onInput={(e) => setMessage(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter" && !e.shiftKey) {
              e.preventDefault();
              e.currentTarget.form?.requestSubmit();
            }
          }}
        />
        <button type="submit" class="button primary" disabled={action.busy}>
          {action.busy ? "Answering…" : "Send"}
        </button>
      </form>
    </div>
  );
}
