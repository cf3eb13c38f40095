import { useEffect, useState } from "preact/hooks";
import { api } from "../api";
import { useRoom } from "../live/room";
import { usePresence } from "../live/presence";
import { memoriesByIds } from "../live/memory-docs";
import {
  type AiView,
  type EventSender,
  MEMORY_TYPE_LABELS,
  type Memory,
  type MemoryUpdate,
  type RoomEvent,
} from "../types";
import { Empty, ErrorNote, Loading, useAction } from "./ui";

const senderOf = (sender: EventSender) =>
  sender.kind === "system"
    ? "system"
    : `${sender.kind === "ai" ? "AI" : "admin"}${sender.client_id ? ` (${sender.client_id})` : ""}`;

const BY_SOURCE: Record<string, string> = {
  api: "through the API",
  chat: "from a chat",
  consolidation: "by consolidation",
  reflection: "as a reflection",
  import: "by an import",
  extraction: "by fact extraction",
};

const SNIPPET_CHARS = 140;

/** What a memory update did, in words: the action, where, by what, and the memory's text now. */
function describeUpdate(data: MemoryUpdate, text: string | undefined): string {
  const label = (type: MemoryUpdate["memory_type"]) => MEMORY_TYPE_LABELS[type].toLowerCase();
  const where =
    data.action === "moved"
      ? `Moved from ${label(data.from ?? data.memory_type)} to ${label(data.to ?? data.memory_type)}`
      : `${data.action[0].toUpperCase()}${data.action.slice(1)} in ${label(data.memory_type)}`;
  const by = data.source ? ` ${BY_SOURCE[data.source] ?? `(${data.source})`}` : "";
  const version = data.version > 1 ? `, now version ${data.version}` : "";
  // A deleted memory, or one not read yet, has no text to show.
  const snippet =
    text === undefined ? "" : `: “${text.length > SNIPPET_CHARS ? `${text.slice(0, SNIPPET_CHARS)}…` : text}”`;
  return `${where}${by}${version}${snippet}`;
}

function describe(event: RoomEvent, texts: Map<string, Memory>): string {
  if (event.event === "memory_update") {
    const data = event.data as MemoryUpdate;
    return describeUpdate(data, texts.get(data.memory_id)?.text);
  }
  const data = event.data as { text?: unknown } | null;
  return typeof data?.text === "string" ? data.text : JSON.stringify(event.data);
}

/** The memories the room's updates name, read once per set of ids (a deleted one is absent). */
function useUpdatedMemories(aiUuid: string, events: RoomEvent[] | null): Map<string, Memory> {
  const [found, setFound] = useState(new Map<string, Memory>());
  const ids = (events ?? [])
    .filter((event) => event.event === "memory_update")
    .map((event) => (event.data as MemoryUpdate).memory_id);
  const key = [...new Set(ids)].sort().join(",");
  useEffect(() => {
    if (!key) return;
    let current = true;
    memoriesByIds(aiUuid, key.split(",")).then(
      (memories) => current && setFound(memories),
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [aiUuid, key]);
  return found;
}

function SendMessage({ aiUuid }: { aiUuid: string }) {
  const [text, setText] = useState("");
  const action = useAction();
  const send = async (event: Event) => {
    event.preventDefault();
    const sent = await action.run(() =>
      api.post("/v1/relay", { action: "emit", ai_uuid: aiUuid, event: "message", data: { text } }),
    );
    if (sent) setText("");
  };
  return (
    <form class="search-row" onSubmit={send}>
      <input
        name="message"
        aria-label="Message to the room"
        placeholder="Send a message to the room…"
        required
        value={text}
        onInput={(e) => setText(e.currentTarget.value)}
      />
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
  const memories = useUpdatedMemories(ai.ai_uuid, events);
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
              <span class="event-text">{describe(event, memories)}</span>
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
                <strong>{entry.client_id}</strong> {entry.sender.kind === "ai" ? "the AI" : entry.sender.kind} ·{" "}
                {entry.status}
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
