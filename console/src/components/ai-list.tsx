import { useState } from "preact/hooks";
import { useAiList } from "../live/ai-view";
import { usePresence } from "../live/presence";
import { aiPath } from "../router";
import { type AiView, MEMORY_TYPE_LABELS, MEMORY_TYPES, type MemoryType } from "../types";
import { CreateAiDialog } from "./create-ai-dialog";
import { Empty, ErrorNote, formatTime, Link, Loading } from "./ui";

/** Column names that fit a quarter of a phone's width. */
const SHORT_LABELS: Record<MemoryType, string> = {
  working_memory: "Working",
  long_term_memory: "Long-term",
  personal_logs: "Logs",
  archive: "Archive",
};

function Online({ aiUuid }: { aiUuid: string }) {
  const online = usePresence(aiUuid).length;
  return <span class={online ? "online on" : "online"}>{online ? `${online} connected` : "none"}</span>;
}

function AiRow({ ai }: { ai: AiView }) {
  return (
    <tr data-ai={ai.ai_uuid}>
      <th scope="row" data-label="Name">
        <Link href={aiPath(ai.ai_uuid)}>{ai.ai_name}</Link>
      </th>
      <td data-label="Status">
        <span class={`status status-${ai.status}`}>{ai.status}</span>
      </td>
      {MEMORY_TYPES.map((type) => (
        <td key={type} data-label={MEMORY_TYPE_LABELS[type]} data-short={SHORT_LABELS[type]} class="num">
          {ai.stats?.[type] ?? 0}
        </td>
      ))}
      <td data-label="Last activity">{formatTime(ai.last_activity_at ?? ai.updated_at)}</td>
      <td data-label="Online">
        <Online aiUuid={ai.ai_uuid} />
      </td>
    </tr>
  );
}

/**
 * The AIs the signed-in person reaches: a user's own (`owner` is their uid), every AI for the admin,
 * or one user's when the admin opens them from the Users page (`viewing`).
 */
export function AiList({ owner, viewing }: { owner: string | null; viewing?: string }) {
  const ais = useAiList(owner ?? viewing ?? null);
  const [creating, setCreating] = useState(false);
  return (
    <section aria-labelledby="ais-title">
      <div class="page-head">
        <h1 id="ais-title">{owner ? "Your AIs" : viewing ? "A user's AIs" : "AIs"}</h1>
        {!viewing && (
          <button type="button" class="button primary" onClick={() => setCreating(true)}>
            New AI
          </button>
        )}
      </div>
      {viewing && (
        <p class="muted">
          Owned by <code>{viewing}</code>. <Link href="/users">Back to the users</Link>
        </p>
      )}
      {ais.error ? <ErrorNote error={ais.error} onRetry={ais.reload} /> : null}
      {!ais.data && ais.loading && <Loading what="AIs" />}
      {ais.data && ais.data.length === 0 && (
        <Empty>No AI yet. Create one with “New AI”, or with a handshake through the API.</Empty>
      )}
      {ais.data && ais.data.length > 0 && (
        <table class="table ai-table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Status</th>
              {MEMORY_TYPES.map((type) => (
                <th key={type} scope="col" class="num">
                  {MEMORY_TYPE_LABELS[type]}
                </th>
              ))}
              <th scope="col">Last activity</th>
              <th scope="col">Online</th>
            </tr>
          </thead>
          <tbody>
            {ais.data.map((ai) => (
              <AiRow key={ai.ai_uuid} ai={ai} />
            ))}
          </tbody>
        </table>
      )}
      {creating && <CreateAiDialog onClose={() => setCreating(false)} />}
    </section>
  );
}
