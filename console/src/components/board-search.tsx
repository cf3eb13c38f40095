import { useState } from "preact/hooks";
import { MEMORY_SOURCES } from "../types";

/** What retrieve_memories filters on (its `filter_query` object). */
export interface MemoryFilter {
  tags?: string[];
  tags_any?: string[];
  metadata?: Record<string, string | number | boolean | null>;
  created_after?: string;
  created_before?: string;
  source?: string;
  session_id?: string;
  text_contains?: string;
}

export type Finder = { kind: "search"; query: string } | { kind: "filter"; filter: MemoryFilter };

const list = (text: string) => text.split(",").map((item) => item.trim()).filter(Boolean);

/** `key=value` lines; values that read as JSON (numbers, true, null) are taken as such. */
function metadataOf(text: string): MemoryFilter["metadata"] {
  const entries = text
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const at = line.indexOf("=");
      if (at < 1) throw new Error(`Metadata: "${line}" is not key=value`);
      const raw = line.slice(at + 1).trim();
      let value: string | number | boolean | null = raw;
      try {
        const parsed: unknown = JSON.parse(raw);
        if (parsed === null || ["number", "boolean", "string"].includes(typeof parsed)) value = parsed as typeof value;
      } catch {
        // a plain string
      }
      return [line.slice(0, at).trim(), value] as const;
    });
  return entries.length ? Object.fromEntries(entries) : undefined;
}

const dayStart = (date: string) => (date ? new Date(`${date}T00:00:00`).toISOString() : undefined);

interface FilterFields {
  tags: string;
  tagsAny: string;
  source: string;
  after: string;
  before: string;
  text: string;
  session: string;
  metadata: string;
}

const EMPTY: FilterFields = { tags: "", tagsAny: "", source: "", after: "", before: "", text: "", session: "", metadata: "" };

function filterOf(fields: FilterFields): MemoryFilter {
  const filter: MemoryFilter = {
    tags: list(fields.tags),
    tags_any: list(fields.tagsAny),
    metadata: metadataOf(fields.metadata),
    created_after: dayStart(fields.after),
    created_before: dayStart(fields.before),
    source: fields.source || undefined,
    session_id: fields.session.trim() || undefined,
    text_contains: fields.text.trim() || undefined,
  };
  const kept = Object.entries(filter).filter(([, value]) => value !== undefined && !(Array.isArray(value) && value.length === 0));
  if (kept.length === 0) throw new Error("Filters: fill in at least one");
  return Object.fromEntries(kept) as MemoryFilter;
}

/** The search box (the product's own ranked retrieval) and the filters of retrieve_memories. */
export function BoardSearch({ active, onFind, onClear }: { active: boolean; onFind: (finder: Finder) => void; onClear: () => void }) {
  const [query, setQuery] = useState("");
  const [fields, setFields] = useState(EMPTY);
  const [error, setError] = useState<string | null>(null);
  const set = (patch: Partial<FilterFields>) => setFields({ ...fields, ...patch });
  const applyFilters = (event: Event) => {
    event.preventDefault();
    try {
      onFind({ kind: "filter", filter: filterOf(fields) });
      setError(null);
    } catch (caught) {
      setError((caught as Error).message);
    }
  };
  const input = (name: keyof FilterFields, label: string) => (
    <label>
      {label}
      <input name={name} value={fields[name] as string} onInput={(e) => set({ [name]: e.currentTarget.value })} />
    </label>
  );
  const dateInput = (name: "after" | "before", label: string) => (
    <label>
      {label}
      <input name={name} type="date" value={fields[name]} onInput={(e) => set({ [name]: e.currentTarget.value })} />
    </label>
  );
  return (
    <div class="board-search">
      <form
        class="search-row"
        role="search"
        onSubmit={(event) => {
          event.preventDefault();
          if (query.trim()) onFind({ kind: "search", query: query.trim() });
        }}
      >
        <input type="search" name="query" aria-label="Search memories" placeholder="Search memories by relevance…" value={query} onInput={(e) => setQuery(e.currentTarget.value)} />
        <button type="submit" class="button">
          Search
        </button>
        {active && (
          <button
            type="button"
            class="button ghost"
            onClick={() => {
              setQuery("");
              setFields(EMPTY);
              onClear();
            }}
          >
            Back to live board
          </button>
        )}
      </form>
      <details class="filters">
        <summary>Filters</summary>
        <form class="filter-grid" onSubmit={applyFilters}>
          {input("tags", "Every tag of (a, b)")}
          {input("tagsAny", "Any tag of (a, b)")}
          <label>
            Source
            <select name="source" value={fields.source} onChange={(e) => set({ source: e.currentTarget.value })}>
              <option value="">any</option>
              {MEMORY_SOURCES.map((source) => (
                <option key={source}>{source}</option>
              ))}
            </select>
          </label>
          {dateInput("after", "Created after")}
          {dateInput("before", "Created before")}
          {input("text", "Text contains")}
          {input("session", "Session id")}
          <label>
            Metadata <span class="muted">(key=value per line)</span>
            <textarea name="metadata" rows={2} value={fields.metadata} onInput={(e) => set({ metadata: e.currentTarget.value })} />
          </label>
          {error && (
            <p class="state state-error" role="alert">
              {error}
            </p>
          )}
          <div class="actions">
            <button type="submit" class="button">
              Apply filters
            </button>
          </div>
        </form>
      </details>
    </div>
  );
}
