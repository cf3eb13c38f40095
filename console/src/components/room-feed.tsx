import { useState } from "preact/hooks";
import { api } from "../api";
import { useRoom } from "../live/room";
import { usePresence } from "../live/presence";
import { type AiView, type EventSender, MEMORY_TYPE_LABELS, type MemoryUpdate, type RoomEvent } from "../types";
import { Empty, ErrorNote, Loading, useAction } from "./ui";

const senderOf = (sender: EventSender) => (sender.kind === "system" ? "system" : `${sender.kind === "ai" ? "AI" : "admin"}${sender.client_id ? ` (${sender.client_id})` : ""}`);

function describe(event: RoomEvent): string {
  if (event.event === "memory_update") {
    const data = event.data as MemoryUpdate;
    const where = data.action === "moved" ? `to ${MEMORY_TYPE_LABELS[data.to ?? data.memory_type]}` : `in ${MEMORY_TYPE_LABELS[data.memory_type]}`;
    return `${data.action} ${data.memory_id} ${where} (v${data.version})`;
  }
  const data = event.data as { text?: unknown } | null;
  return typeof data?.text === "string" ? data.text : JSON.stringify(event.data);
}

function SendMessage({ aiUuid }: { aiUuid: string }) {
  const [text, setText] = useState("");
  const action = useAction();
  const send = async (event: Event) => {
    event.preventDefault();
    const sent = await action.run(() => api.post("/v1/relay", { action: "emit", ai_uuid: aiUuid, event: "message", data: { text } }));
    if (sent) setText("");
  };
  return (
    <form class="search-row" onSubmit={send}>
      <input name="message" aria-label="Message to the room" placeholder="Send a message to the room…" required value={text} onInput={(e) => setText(e.currentTarget.value)} />
      <button type="submit" class="button" disabled={action.busy}>
        Send
      </button>
      {action.error ? <ErrorNote error={action.error} /> : null}
    </form>
  );
}

/** The AI's room, live: memory_update events and relayed messages, newest first; who is connected. */
export function RoomFeed({ ai }: { ai: AiView }) {
  const { events, error } = useRoom(ai.ai_uuid);
  const online = usePresence(ai.ai_uuid);
  return (
    <div class="split">
      <section aria-labelledby="feed-title" class="card">
        <h2 id="feed-title">Room feed</h2>
        <SendMessage aiUuid={ai.ai_uuid} />
        {error && <ErrorNote error={error} />}
        {!events && !error && <Loading what="the room" />}
        {events && events.length === 0 && <Empty>Nothing has happened in this room yet.</Empty>}
        <ol class="feed">
          {[...(events ?? [])].reverse().map((event) => (
            <li key={event.id} class={`feed-item event-${event.event}`}>
              <time dateTime={event.at}>{event.at ? new Date(event.at).toLocaleTimeString() : ""}</time>
              <span class="event-name">{event.event}</span>
              <span class="event-text">{describe(event)}</span>
              <span class="muted">{senderOf(event.sender)}</span>
            </li>
          ))}
        </ol>
      </section>
      <section aria-labelledby="presence-title" class="card">
        <h2 id="presence-title">Connected now</h2>
        {online.length === 0 ? (
          <Empty>No client is connected.</Empty>
        ) : (
          <ul class="plain">
            {online.map((entry) => (
              <li key={entry.client_id}>
                <strong>{entry.client_id}</strong> {entry.sender.kind === "ai" ? "the AI" : entry.sender.kind} · {entry.status}
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
