import { diffWordsWithSpace } from "diff";
import { useState } from "preact/hooks";
import { api } from "../api";
import type { Memory } from "../types";
import { ErrorNote, formatTime, Loading, useAction, useLoad } from "./ui";

export const memoryPath = (memory: Pick<Memory, "ai_uuid" | "memory_type" | "id">) =>
  `/v1/ais/${memory.ai_uuid}/memories/${memory.memory_type}/${memory.id}`;

/** A version as text, so one word diff shows changes to content, tags, importance and metadata. */
function versionText(memory: Memory): string {
  const content = typeof memory.content === "string" ? memory.content : JSON.stringify(memory.content, null, 2);
  return `${content}\n\ntags: ${memory.tags.join(", ") || "(none)"}\nimportance: ${memory.importance}\nmetadata: ${JSON.stringify(memory.metadata ?? {}, null, 2)}`;
}

function Diff({ from, to }: { from: Memory; to: Memory }) {
  const parts = diffWordsWithSpace(versionText(from), versionText(to));
  return (
    <pre class="diff" aria-label={`Changes from version ${from.version} to version ${to.version}`}>
      {parts.map((part, index) =>
        part.added ? <ins key={index}>{part.value}</ins> : part.removed ? <del key={index}>{part.value}</del> : <span key={index}>{part.value}</span>,
      )}
    </pre>
  );
}

/**
 * Earlier versions of a memory (kept by the API on every edit), a diff between any two, and a
 * restore: a PATCH with the old version's fields, which becomes the newest version.
 */
export function MemoryHistory({ memory, onRestored }: { memory: Memory; onRestored: (memory: Memory) => void }) {
  const history = useLoad(() => api.get<{ versions: Memory[] }>(`${memoryPath(memory)}/history`), `${memory.id}@${memory.version}`);
  const [fromVersion, setFromVersion] = useState<number | null>(null);
  const [toVersion, setToVersion] = useState<number | null>(null);
  const restore = useAction();
  if (history.error) return <ErrorNote error={history.error} onRetry={history.reload} />;
  if (!history.data) return <Loading what="the history" />;
  const versions = [memory, ...history.data.versions.filter((version) => version.version < memory.version)];
  if (versions.length === 1) return <p class="state state-empty">No earlier version: this memory has not been edited.</p>;
  const pick = (version: number | null, fallback: Memory) => versions.find((each) => each.version === version) ?? fallback;
  const to = pick(toVersion, versions[0]);
  const from = pick(fromVersion, versions[1]);
  const restoreVersion = async (old: Memory) => {
    const restored = await restore.run(() =>
      api.patch<Memory>(memoryPath(memory), {
        content: old.content,
        tags: old.tags,
        importance: old.importance,
        metadata: old.metadata,
        expected_version: memory.version,
      }),
    );
    if (restored) onRestored(restored);
  };
  const option = (version: Memory) => (
    <option key={version.version} value={version.version}>
      v{version.version}
      {version === memory ? " (current)" : ""} · {formatTime(version.updated_at)}
    </option>
  );
  return (
    <div class="stack">
      <div class="row">
        <label>
          Compare
          <select name="from" value={from.version} onChange={(e) => setFromVersion(Number(e.currentTarget.value))}>
            {versions.map(option)}
          </select>
        </label>
        <label>
          with
          <select name="to" value={to.version} onChange={(e) => setToVersion(Number(e.currentTarget.value))}>
            {versions.map(option)}
          </select>
        </label>
      </div>
      <Diff from={from} to={to} />
      {restore.error ? <ErrorNote error={restore.error} /> : null}
      <h4>Earlier versions</h4>
      <ul class="versions">
        {versions.slice(1).map((version) => (
          <li key={version.version}>
            <span>
              v{version.version} · {formatTime(version.updated_at)}
            </span>
            <button type="button" class="button small" disabled={restore.busy} onClick={() => void restoreVersion(version)}>
              Restore v{version.version}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
