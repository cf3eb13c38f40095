import type { Memory } from "../types";

/** The editable fields of a memory, as the form holds them (text inputs). */
export interface MemoryFields {
  content: string;
  structured: boolean;
  tags: string;
  importance: string;
  metadata: string;
}

export interface MemoryBody {
  content: string | Record<string, unknown>;
  tags: string[];
  importance: number;
  metadata: Record<string, unknown>;
}

export function fieldsOf(memory?: Pick<Memory, "content" | "tags" | "importance" | "metadata">): MemoryFields {
  if (!memory) return { content: "", structured: false, tags: "", importance: "0.5", metadata: "{}" };
  const structured = typeof memory.content !== "string";
  return {
    content: structured ? JSON.stringify(memory.content, null, 2) : (memory.content as string),
    structured,
    tags: memory.tags.join(", "),
    importance: String(memory.importance),
    metadata: JSON.stringify(memory.metadata ?? {}, null, 2),
  };
}

function jsonObject(text: string, field: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text || "{}");
  } catch {
    throw new Error(`${field}: not valid JSON`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error(`${field}: must be a JSON object`);
  return value as Record<string, unknown>;
}

/** The request body for these fields; throws an error naming the field that is wrong. */
export function bodyOf(fields: MemoryFields): MemoryBody {
  const content = fields.structured ? jsonObject(fields.content, "Content") : fields.content.trim();
  if (content === "") throw new Error("Content: must not be empty");
  const importance = Number(fields.importance);
  if (fields.importance.trim() === "" || !Number.isFinite(importance) || importance < 0 || importance > 1) {
    throw new Error("Importance: must be a number from 0 to 1");
  }
  const tags = fields.tags.split(",").map((tag) => tag.trim()).filter(Boolean);
  return { content, tags, importance, metadata: jsonObject(fields.metadata, "Metadata") };
}

export function MemoryFieldsEditor({ fields, onChange }: { fields: MemoryFields; onChange: (fields: MemoryFields) => void }) {
  const set = (patch: Partial<MemoryFields>) => onChange({ ...fields, ...patch });
  return (
    <div class="stack">
      <label>
        Content
        <textarea name="content" rows={fields.structured ? 8 : 5} value={fields.content} onInput={(e) => set({ content: e.currentTarget.value })} />
      </label>
      <label class="inline">
        <input type="checkbox" name="structured" checked={fields.structured} onChange={(e) => set({ structured: e.currentTarget.checked })} />
        Structured content (a JSON object)
      </label>
      <div class="row">
        <label class="grow">
          Tags <span class="muted">(comma-separated)</span>
          <input name="tags" value={fields.tags} onInput={(e) => set({ tags: e.currentTarget.value })} />
        </label>
        <label>
          Importance <span class="muted">(0 to 1)</span>
          <input name="importance" type="number" min={0} max={1} step={0.05} value={fields.importance} onInput={(e) => set({ importance: e.currentTarget.value })} />
        </label>
      </div>
      <label>
        Metadata <span class="muted">(a JSON object)</span>
        <textarea name="metadata" rows={4} class="mono" value={fields.metadata} onInput={(e) => set({ metadata: e.currentTarget.value })} />
      </label>
    </div>
  );
}

/** One line of a memory's content, for cards and lists. */
export const contentPreview = (memory: Pick<Memory, "content" | "text">): string =>
  typeof memory.content === "string" ? memory.content : memory.text || JSON.stringify(memory.content);
