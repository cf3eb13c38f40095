import { memoriesByIds } from "../live/memory-docs";
import { MEMORY_TYPE_LABELS } from "../types";
import { contentPreview } from "./memory-form";
import { ErrorNote, Loading, useLoad } from "./ui";

/** Memories named by id (a chat's context, what it stored), read in place from Firestore. */
export function MemoryRefs({ aiUuid, ids, label }: { aiUuid: string; ids: string[]; label: string }) {
  const found = useLoad(() => memoriesByIds(aiUuid, ids), `${aiUuid}:${ids.join(",")}`);
  return (
    <div class="memory-refs" aria-label={label}>
      <h4>
        {label} <span class="count">{ids.length}</span>
      </h4>
      {ids.length === 0 && <p class="muted">None.</p>}
      {found.error ? <ErrorNote error={found.error} onRetry={found.reload} /> : null}
      {ids.length > 0 && !found.data && !found.error && <Loading what="memories" />}
      {found.data && (
        <ul class="plain refs">
          {ids.map((id) => {
            const memory = found.data!.get(id);
            return (
              <li key={id} data-memory-id={id}>
                {memory ? (
                  <>
                    <span class={`type-pill type-${memory.memory_type}`}>{MEMORY_TYPE_LABELS[memory.memory_type]}</span> {contentPreview(memory)}
                  </>
                ) : (
                  <span class="muted">{id} (deleted since)</span>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
