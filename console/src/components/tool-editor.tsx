import { useState } from "preact/hooks";
import type { components } from "../../../client/src/openapi-types";
import { api } from "../api";
import type { AiView } from "../types";
import { ErrorNote, useAction } from "./ui";

/** The form that adds or replaces a custom tool: an HTTP API or a remote MCP server. */

export type Tool = components["schemas"]["Tool"];

/** JSON typed in a textarea, or a 400-like error naming the field. */
export function parsed(text: string, field: string): Record<string, unknown> {
  try {
    const value = JSON.parse(text || "{}") as unknown;
    if (typeof value === "object" && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // the message below says what is wrong
  }
  throw new Error(`${field}: must be a JSON object`);
}

export const EMPTY_FORM = {
  name: "",
  kind: "http" as "http" | "mcp",
  description: "",
  parameters: '{"type": "object", "properties": {}}',
  url: "",
  method: "POST",
  headers: "{}",
  timeout: "10000",
};
export type ToolForm = typeof EMPTY_FORM;

export const formOf = (tool: Tool): ToolForm => ({
  name: tool.name,
  kind: tool.mcp ? "mcp" : "http",
  description: tool.description ?? "",
  parameters: JSON.stringify(tool.parameters ?? {}, null, 2),
  url: (tool.http ?? tool.mcp)?.url ?? "",
  method: tool.http?.method ?? "POST",
  headers: JSON.stringify((tool.http ?? tool.mcp)?.headers ?? {}, null, 2),
  timeout: String((tool.http ?? tool.mcp)?.timeout_ms ?? 10000),
});

function bodyOf(form: ToolForm) {
  const connection = {
    url: form.url.trim(),
    headers: parsed(form.headers, "Headers"),
    timeout_ms: Number(form.timeout),
  };
  if (form.kind === "mcp") return { ...(form.description ? { description: form.description } : {}), mcp: connection };
  return {
    description: form.description,
    parameters: parsed(form.parameters, "Parameters"),
    http: { ...connection, method: form.method },
  };
}

export function ToolEditor({ ai, initial, onSaved }: { ai: AiView; initial: ToolForm; onSaved: () => void }) {
  const [form, setForm] = useState(initial);
  const action = useAction();
  const set = (patch: Partial<ToolForm>) => setForm({ ...form, ...patch });
  const submit = async (event: Event) => {
    event.preventDefault();
    const path = `/v1/ais/${ai.ai_uuid}/tools/${encodeURIComponent(form.name.trim())}`;
    if (await action.run(() => api.put<Tool>(path, bodyOf(form)))) onSaved();
  };
  return (
    <form class="card stack" onSubmit={submit} aria-label="Tool editor">
      <div class="row">
        <label class="grow">
          Name
          <input name="tool_name" required value={form.name} onInput={(e) => set({ name: e.currentTarget.value })} />
        </label>
        <label>
          Kind
          <select
            name="tool_kind"
            value={form.kind}
            onChange={(e) => set({ kind: e.currentTarget.value as ToolForm["kind"] })}
          >
            <option value="http">HTTP API</option>
            <option value="mcp">MCP server</option>
          </select>
        </label>
      </div>
      <label>
        Description
        <input
          name="tool_description"
          value={form.description}
          onInput={(e) => set({ description: e.currentTarget.value })}
        />
      </label>
      <div class="row">
        <label class="grow">
          URL
          <input name="tool_url" required value={form.url} onInput={(e) => set({ url: e.currentTarget.value })} />
        </label>
        {form.kind === "http" && (
          <label>
            Method
            <select name="tool_method" value={form.method} onChange={(e) => set({ method: e.currentTarget.value })}>
              {["GET", "POST", "PUT", "PATCH", "DELETE"].map((method) => (
                <option key={method}>{method}</option>
              ))}
            </select>
          </label>
        )}
        <label>
          Timeout (ms)
          <input
            name="tool_timeout"
            type="number"
            min={100}
            max={30000}
            value={form.timeout}
            onInput={(e) => set({ timeout: e.currentTarget.value })}
          />
        </label>
      </div>
      {form.kind === "http" && (
        <label>
          Parameters (JSON Schema)
          <textarea
            name="tool_parameters"
            rows={4}
            value={form.parameters}
            onInput={(e) => set({ parameters: e.currentTarget.value })}
          />
        </label>
      )}
      <label>
        Headers (JSON; name a secret as {"{{secret:NAME}}"})
        <textarea
          name="tool_headers"
          rows={2}
          value={form.headers}
          onInput={(e) => set({ headers: e.currentTarget.value })}
        />
      </label>
      {action.error ? <ErrorNote error={action.error} /> : null}
      <div class="row end">
        <button type="submit" class="button primary" disabled={action.busy}>
          Save tool
        </button>
      </div>
    </form>
  );
}
