import { useState } from "preact/hooks";
import type { components } from "../../../client/src/openapi-types";
import { api } from "../api";
import type { AiView } from "../types";
import { ToolCallList } from "./tool-calls";
import { EMPTY_FORM, formOf, parsed, type Tool, ToolEditor, type ToolForm } from "./tool-editor";
import { Empty, ErrorNote, Loading, useAction, useLoad } from "./ui";

type Schemas = components["schemas"];
type ToolList = Schemas["ToolList"];
type ToolTest = Schemas["ToolTest"];

function ToolRow({
  ai,
  tool,
  onChanged,
  onEdit,
}: {
  ai: AiView;
  tool: Tool;
  onChanged: () => void;
  onEdit: () => void;
}) {
  const [sample, setSample] = useState("{}");
  const [outcome, setOutcome] = useState<ToolTest | null>(null);
  const action = useAction();
  const path = `/v1/ais/${ai.ai_uuid}/tools/${encodeURIComponent(tool.name)}`;
  const test = async () => {
    setOutcome(null);
    const answer = await action.run(() =>
      api.post<ToolTest>(`${path}/test`, { arguments: parsed(sample, "Sample arguments") }),
    );
    if (answer) setOutcome(answer);
  };
  const remove = async () => {
    if (await action.run(() => api.delete(path))) onChanged();
  };
  return (
    <li class="card stack" data-tool={tool.name} aria-label={`Tool ${tool.name}`}>
      <div class="row">
        <strong class="grow">{tool.name}</strong>
        <span class="muted">{tool.mcp ? `MCP ${tool.mcp.url}` : `${tool.http?.method} ${tool.http?.url}`}</span>
      </div>
      {tool.description && <p>{tool.description}</p>}
      <label>
        Sample arguments
        <textarea name="sample_arguments" rows={2} value={sample} onInput={(e) => setSample(e.currentTarget.value)} />
      </label>
      <div class="row end">
        <button type="button" class="button" onClick={onEdit}>
          Edit
        </button>
        <button type="button" class="button" disabled={action.busy} onClick={() => void test()}>
          Test
        </button>
        <button type="button" class="button danger" disabled={action.busy} onClick={() => void remove()}>
          Remove
        </button>
      </div>
      {outcome && (
        <div role="status" class="tool-test">
          {outcome.status} in {outcome.ms} ms{outcome.error ? `: ${outcome.error}` : ""}
          {outcome.result ? <pre>{outcome.result}</pre> : null}
        </div>
      )}
      {action.error ? <ErrorNote error={action.error} /> : null}
    </li>
  );
}

function SecretForm({ ai }: { ai: AiView }) {
  const [name, setName] = useState("");
  const [value, setValue] = useState("");
  const [saved, setSaved] = useState<string | null>(null);
  const action = useAction();
  const submit = async (event: Event) => {
    event.preventDefault();
    const done = await action.run(() =>
      api.put(`/v1/ais/${ai.ai_uuid}/secrets/${encodeURIComponent(name.trim())}`, { value }),
    );
    if (done) {
      setSaved(name.trim());
      setValue("");
    }
  };
  return (
    <form class="card stack" onSubmit={submit} aria-label="Tool secret">
      <h2>Secrets</h2>
      <p class="muted">Write-only: a saved secret is never shown again. Headers name it as {"{{secret:NAME}}"}.</p>
      <div class="row">
        <label class="grow">
          Secret name
          <input name="secret_name" required value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        <label class="grow">
          Value
          <input
            name="secret_value"
            type="password"
            autoComplete="off"
            required
            value={value}
            onInput={(e) => setValue(e.currentTarget.value)}
          />
        </label>
      </div>
      {action.error ? <ErrorNote error={action.error} /> : null}
      <div class="row end">
        {saved && <span role="status">Secret {saved} saved.</span>}
        <button type="submit" class="button" disabled={action.busy}>
          Save secret
        </button>
      </div>
    </form>
  );
}

/** The AI's custom tools: add, edit, remove, test with sample arguments, the latest calls in chats. */
export function ToolsPanel({ ai }: { ai: AiView }) {
  const list = useLoad(() => api.get<ToolList>(`/v1/ais/${ai.ai_uuid}/tools`), ai.ai_uuid);
  const [editing, setEditing] = useState<ToolForm | null>(null);
  const saved = () => {
    setEditing(null);
    list.reload();
  };
  return (
    <div class="stack">
      <div class="row end">
        <button type="button" class="button primary" onClick={() => setEditing({ ...EMPTY_FORM })}>
          Add a tool
        </button>
      </div>
      {editing && <ToolEditor key={editing.name} ai={ai} initial={editing} onSaved={saved} />}
      {list.error ? <ErrorNote error={list.error} onRetry={list.reload} /> : null}
      {!list.data && !list.error && <Loading what="tools" />}
      {list.data && list.data.tools.length === 0 && (
        <Empty>No tools yet. Memory tools are turned on in Settings.</Empty>
      )}
      <ul class="plain stack">
        {list.data?.tools.map((tool) => (
          <ToolRow
            key={tool.name}
            ai={ai}
            tool={tool}
            onChanged={list.reload}
            onEdit={() => setEditing(formOf(tool))}
          />
        ))}
      </ul>
      {list.data && list.data.recent_calls.length > 0 && (
        <ToolCallList calls={list.data.recent_calls} label="Recent calls" />
      )}
      <SecretForm ai={ai} />
    </div>
  );
}
