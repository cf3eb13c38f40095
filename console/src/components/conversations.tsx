import { useState } from "preact/hooks";
import { api } from "../api";
import type { AiView, ChatExchange, ChatSession } from "../types";
import { MemoryRefs } from "./memory-refs";
import { ToolCallList } from "./tool-calls";
import { Empty, ErrorNote, formatTime, Loading, useLoad } from "./ui";

function Exchange({ aiUuid, chat }: { aiUuid: string; chat: ChatExchange }) {
  const [open, setOpen] = useState(false);
  return (
    <li class="exchange">
      <p class="bubble user">
        <strong>User</strong>
        {chat.message}
      </p>
      <p class="bubble assistant">
        <strong>Assistant</strong>
        {chat.response}
      </p>
      <p class="muted">
        {formatTime(chat.timestamp)} ·{" "}
        {chat.model === "ai-memory-demo" ? "ai-memory-demo (the local demo model)" : chat.model} ·{" "}
        <button type="button" class="link-button" aria-expanded={open} onClick={() => setOpen(!open)}>
          {open ? "Hide" : "Show"} the memories given to the model ({chat.context_memory_ids.length})
        </button>
      </p>
      {open && <MemoryRefs aiUuid={aiUuid} ids={chat.context_memory_ids} label="Memory context" />}
      {chat.tool_calls?.length ? <ToolCallList calls={chat.tool_calls} /> : null}
    </li>
  );
}

function Chats({ aiUuid, session }: { aiUuid: string; session: ChatSession }) {
  const chats = useLoad(
    () =>
      api
        .get<{ chats: ChatExchange[] }>(`/v1/ais/${aiUuid}/sessions/${session.session_id}/chats?limit=200`)
        .then((answer) => answer.chats),
    session.session_id,
  );
  if (chats.error) return <ErrorNote error={chats.error} onRetry={chats.reload} />;
  if (!chats.data) return <Loading what="the conversation" />;
  if (chats.data.length === 0) return <Empty>No exchange in this session yet.</Empty>;
  return (
    <ol class="plain exchanges">
      {chats.data.map((chat) => (
        <Exchange key={chat.chat_id} aiUuid={aiUuid} chat={chat} />
      ))}
    </ol>
  );
}

/** A session's name when someone gave it one; the default one only repeats its creation time. */
const givenName = (session: ChatSession): string | null =>
  session.name && !/^Session \d{4}-\d{2}-\d{2}T/.test(session.name) ? session.name : null;

/** Chat sessions, most recent first, and each exchange with the memories it was given. */
export function Conversations({ ai }: { ai: AiView }) {
  const sessions = useLoad(
    () =>
      api
        .get<{ sessions: ChatSession[] }>(`/v1/ais/${ai.ai_uuid}/sessions?limit=100`)
        .then((answer) => answer.sessions),
    ai.ai_uuid,
  );
  const [selected, setSelected] = useState<ChatSession | null>(null);
  if (sessions.error) return <ErrorNote error={sessions.error} onRetry={sessions.reload} />;
  if (!sessions.data) return <Loading what="sessions" />;
  if (sessions.data.length === 0)
    return <Empty>No conversation yet. Chat in the Playground, or through /v1/chat/completions.</Empty>;
  const current = selected ?? sessions.data[0];
  return (
    <div class="split sidebar-first">
      <section class="card" aria-labelledby="sessions-title">
        <h2 id="sessions-title">Sessions</h2>
        <ul class="plain session-list">
          {sessions.data.map((session) => (
            <li key={session.session_id}>
              <button
                type="button"
                class="session-button"
                aria-current={session.session_id === current.session_id ? "true" : undefined}
                onClick={() => setSelected(session)}
              >
                <span class="session-id">{session.session_id}</span>
                <span class="muted">
                  {givenName(session) ? `${givenName(session)} · ` : ""}
                  {session.message_count === 1 ? "1 exchange" : `${session.message_count} exchanges`} ·{" "}
                  {formatTime(session.updated_at)}
                </span>
              </button>
            </li>
          ))}
        </ul>
      </section>
      <section class="card" aria-labelledby="chats-title">
        <h2 id="chats-title">
          Session {current.session_id}
          {givenName(current) ? <span class="muted"> · {givenName(current)}</span> : null}
        </h2>
        <Chats key={current.session_id} aiUuid={ai.ai_uuid} session={current} />
      </section>
    </div>
  );
}
