import { useState } from "preact/hooks";
import { api } from "../api";
import { type Memory, MEMORY_TYPE_LABELS, MEMORY_TYPES, type MemoryType } from "../types";
import { bodyOf, fieldsOf, MemoryFieldsEditor } from "./memory-form";
import { MemoryHistory, memoryPath } from "./memory-history";
import { Dialog, ErrorNote, formatTime, useAction } from "./ui";

export const moveMemory = (memory: Memory, to: MemoryType) => api.post<Memory>(`${memoryPath(memory)}/move`, { to_memory_type: to });

function MoveControl({ memory, onMoved }: { memory: Memory; onMoved: (memory: Memory) => void }) {
  const others = MEMORY_TYPES.filter((type) => type !== memory.memory_type);
  const [target, setTarget] = useState<MemoryType>(others[0]);
  const action = useAction();
  const move = async () => {
    const moved = await action.run(() => moveMemory(memory, target));
    if (moved) onMoved(moved);
  };
  return (
    <div class="row end">
      <label>
        Move to
        <select name="move-to" value={target} onChange={(e) => setTarget(e.currentTarget.value as MemoryType)}>
          {others.map((type) => (
            <option key={type} value={type}>
              {MEMORY_TYPE_LABELS[type]}
            </option>
          ))}
        </select>
      </label>
      <button type="button" class="button" disabled={action.busy} onClick={() => void move()}>
        Move
      </button>
      {action.error ? <ErrorNote error={action.error} /> : null}
    </div>
  );
}

function DeleteControl({ memory, onDeleted }: { memory: Memory; onDeleted: () => void }) {
  const [confirming, setConfirming] = useState(false);
  const action = useAction();
  const remove = async () => {
    if ((await action.run(() => api.delete(memoryPath(memory)))) !== undefined) onDeleted();
  };
  return (
    <div class="row end">
      {confirming ? (
        <>
          <span>Delete this memory? Its history stays readable.</span>
          <button type="button" class="button danger" disabled={action.busy} onClick={() => void remove()}>
            Yes, delete
          </button>
          <button type="button" class="button" onClick={() => setConfirming(false)}>
            Keep it
          </button>
        </>
      ) : (
        <button type="button" class="button danger" onClick={() => setConfirming(true)}>
          Delete…
        </button>
      )}
      {action.error ? <ErrorNote error={action.error} /> : null}
    </div>
  );
}

/** One memory: edit its fields, move it, delete it, or look at and restore earlier versions. */
export function MemoryDialog({ memory: initial, onClose }: { memory: Memory; onClose: () => void }) {
  const [memory, setMemory] = useState(initial);
  const [fields, setFields] = useState(fieldsOf(initial));
  const [view, setView] = useState<"edit" | "history">("edit");
  const [saved, setSaved] = useState(false);
  const save = useAction();
  const replace = (next: Memory) => {
    setMemory(next);
    setFields(fieldsOf(next));
  };
  const submit = async (event: Event) => {
    event.preventDefault();
    setSaved(false);
    const updated = await save.run(() => api.patch<Memory>(memoryPath(memory), { ...bodyOf(fields), expected_version: memory.version }));
    if (updated) {
      replace(updated);
      setSaved(true);
    }
  };
  return (
    <Dialog title="Memory" onClose={onClose} wide>
      <p class="muted meta-line">
        <span class={`type-pill type-${memory.memory_type}`}>{MEMORY_TYPE_LABELS[memory.memory_type]}</span> v{memory.version} · {memory.source} ·
        created {formatTime(memory.created_at)} · <code>{memory.id}</code>
      </p>
      <div class="segmented" role="group" aria-label="Memory view">
        <button type="button" aria-pressed={view === "edit"} onClick={() => setView("edit")}>
          Edit
        </button>
        <button type="button" aria-pressed={view === "history"} onClick={() => setView("history")}>
          History
        </button>
      </div>
      {view === "edit" ? (
        <>
          <form class="stack" onSubmit={submit}>
            <MemoryFieldsEditor fields={fields} onChange={setFields} />
            {save.error ? <ErrorNote error={save.error} /> : null}
            <div class="row end">
              {saved && <span role="status">Saved as version {memory.version}.</span>}
              <button type="submit" class="button primary" disabled={save.busy}>
                {save.busy ? "Saving…" : "Save"}
              </button>
            </div>
          </form>
          <hr />
          <MoveControl key={memory.memory_type} memory={memory} onMoved={replace} />
          <DeleteControl memory={memory} onDeleted={onClose} />
        </>
      ) : (
        <MemoryHistory
          memory={memory}
          onRestored={(restored) => {
            replace(restored);
            setView("edit");
          }}
        />
      )}
    </Dialog>
  );
}

/** A new memory in one column. */
export function NewMemoryDialog({ aiUuid, type, onClose }: { aiUuid: string; type: MemoryType; onClose: () => void }) {
  const [fields, setFields] = useState(fieldsOf());
  const action = useAction();
  const submit = async (event: Event) => {
    event.preventDefault();
    const created = await action.run(() => api.post<Memory>(`/v1/ais/${aiUuid}/memories/${type}`, bodyOf(fields)));
    if (created) onClose();
  };
  return (
    <Dialog title={`New memory in ${MEMORY_TYPE_LABELS[type]}`} onClose={onClose} wide>
      <form class="stack" onSubmit={submit}>
        <MemoryFieldsEditor fields={fields} onChange={setFields} />
        {action.error ? <ErrorNote error={action.error} /> : null}
        <div class="row end">
          <button type="submit" class="button primary" disabled={action.busy}>
            {action.busy ? "Adding…" : "Add memory"}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
