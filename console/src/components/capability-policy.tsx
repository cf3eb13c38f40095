import { useState } from "preact/hooks";
import { api } from "../api";
import { type AiView, MEMORY_TYPE_LABELS, MEMORY_TYPES, type MemoryType } from "../types";
import { ErrorNote, useAction } from "./ui";

/**
 * The AI's capability policy: whether its model may use its memory tools in chats, and which memory
 * types its own token and those tools may write or delete. Its limits stay the administrator's.
 */
export function CapabilityPolicy({ ai, onChanged }: { ai: AiView; onChanged: () => void }) {
  const [memoryTools, setMemoryTools] = useState(ai.settings.memory_tools);
  const [writable, setWritable] = useState<MemoryType[]>(ai.settings.writable_types);
  const [saved, setSaved] = useState(false);
  const action = useAction();
  const toggle = (type: MemoryType, on: boolean) =>
    setWritable(
      on
        ? MEMORY_TYPES.filter((each) => each === type || writable.includes(each))
        : writable.filter((each) => each !== type),
    );
  const submit = async (event: Event) => {
    event.preventDefault();
    setSaved(false);
    const settings = { memory_tools: memoryTools, writable_types: writable };
    if (await action.run(() => api.patch(`/v1/ais/${ai.ai_uuid}`, { settings }))) {
      setSaved(true);
      onChanged();
    }
  };
  return (
    <form class="card stack" onSubmit={submit} aria-labelledby="policy-title">
      <h2 id="policy-title">Capabilities</h2>
      <label class="inline">
        <input
          type="checkbox"
          name="memory_tools"
          checked={memoryTools}
          onChange={(e) => setMemoryTools(e.currentTarget.checked)}
        />
        Memory tools: the model may search, remember, log, update and forget during a chat
      </label>
      <fieldset>
        <legend>Memory types its own token and memory tools may write or delete</legend>
        {MEMORY_TYPES.map((type) => (
          <label key={type} class="inline">
            <input
              type="checkbox"
              name={`writable_${type}`}
              checked={writable.includes(type)}
              onChange={(e) => toggle(type, e.currentTarget.checked)}
            />
            {MEMORY_TYPE_LABELS[type]}
          </label>
        ))}
      </fieldset>
      {action.error ? <ErrorNote error={action.error} /> : null}
      <div class="row end">
        {saved && <span role="status">Capabilities saved.</span>}
        <button type="submit" class="button primary" disabled={action.busy}>
          Save capabilities
        </button>
      </div>
    </form>
  );
}
