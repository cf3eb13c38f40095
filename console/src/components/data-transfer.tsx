import { useState } from "preact/hooks";
import { api } from "../api";
import type { AiView, Memory } from "../types";
import { ErrorNote, useAction } from "./ui";

/** The API imports at most this many memories per call. */
const IMPORT_BATCH = 200;

interface ExportFile {
  format?: string;
  memories?: Array<Partial<Memory>>;
}

type ExportPage = ExportFile & { next_cursor: string | null };

const exportPage = (aiUuid: string, cursor: string | null) =>
  api.get<ExportPage>(`/v1/ais/${aiUuid}/export${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ""}`);

/** The export as one file: the API answers it a page at a time, each naming the next. */
async function exportAll(aiUuid: string): Promise<ExportFile> {
  const { next_cursor: firstCursor, ...file } = await exportPage(aiUuid, null);
  const memories = [...(file.memories ?? [])];
  for (let cursor = firstCursor; cursor; ) {
    const page = await exportPage(aiUuid, cursor);
    memories.push(...(page.memories ?? []));
    cursor = page.next_cursor;
  }
  return { ...file, memories };
}

/** The fields import takes back from an export: the server assigns ids, versions and times anew. */
const importable = (memory: Partial<Memory>) => ({
  memory_type: memory.memory_type,
  content: memory.content,
  ...(memory.metadata ? { metadata: memory.metadata } : {}),
  ...(memory.tags ? { tags: memory.tags } : {}),
  ...(memory.importance !== undefined ? { importance: memory.importance } : {}),
  ...(memory.expires_at ? { expires_at: memory.expires_at } : {}),
});

function download(name: string, content: string) {
  const url = URL.createObjectURL(new Blob([content], { type: "application/json" }));
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

async function importFile(aiUuid: string, file: File): Promise<number> {
  let parsed: ExportFile;
  try {
    parsed = JSON.parse(await file.text()) as ExportFile;
  } catch {
    throw new Error(`${file.name}: not a JSON file`);
  }
  if (!Array.isArray(parsed.memories))
    throw new Error(`${file.name}: no "memories" list (expected a file made by Export)`);
  if (parsed.memories.length === 0) throw new Error(`${file.name}: holds no memory`);
  let imported = 0;
  for (let start = 0; start < parsed.memories.length; start += IMPORT_BATCH) {
    const batch = parsed.memories.slice(start, start + IMPORT_BATCH).map(importable);
    imported += (await api.post<{ imported: number }>(`/v1/ais/${aiUuid}/import`, { memories: batch })).imported;
  }
  return imported;
}

/** Export the AI's whole memory as a JSON file; import such a file into this AI. */
export function DataTransfer({ ai }: { ai: AiView }) {
  const exporting = useAction();
  const importing = useAction();
  const [note, setNote] = useState<string | null>(null);
  const exportNow = async () => {
    setNote(null);
    const data = await exporting.run(() => exportAll(ai.ai_uuid));
    if (!data) return;
    const day = new Date().toISOString().slice(0, 10);
    download(`${ai.ai_name.replace(/[^\w.-]+/g, "-")}-memory-${day}.json`, JSON.stringify(data, null, 2));
    setNote(`Exported ${data.memories?.length ?? 0} memories.`);
  };
  const importNow = async (input: HTMLInputElement) => {
    const file = input.files?.[0];
    if (!file) return;
    setNote(null);
    const count = await importing.run(() => importFile(ai.ai_uuid, file));
    input.value = "";
    if (count !== undefined) setNote(`Imported ${count} memories into ${ai.ai_name}.`);
  };
  return (
    <div class="split">
      <section class="card" aria-labelledby="export-title">
        <h2 id="export-title">Export</h2>
        <p class="muted">Every memory of {ai.ai_name}, all four types, as one JSON file.</p>
        <button type="button" class="button primary" disabled={exporting.busy} onClick={() => void exportNow()}>
          {exporting.busy ? "Exporting…" : "Export memory"}
        </button>
        {exporting.error ? <ErrorNote error={exporting.error} /> : null}
      </section>
      <section class="card" aria-labelledby="import-title">
        <h2 id="import-title">Import</h2>
        <p class="muted">Adds the memories of an exported file to {ai.ai_name} (new ids; nothing is replaced).</p>
        <label class="file">
          Choose a JSON file
          <input
            type="file"
            name="import"
            accept="application/json,.json"
            disabled={importing.busy}
            onChange={(e) => void importNow(e.currentTarget)}
          />
        </label>
        {importing.busy && <p role="status">Importing…</p>}
        {importing.error ? <ErrorNote error={importing.error} /> : null}
      </section>
      {note && (
        <p class="notice" role="status">
          {note}
        </p>
      )}
    </div>
  );
}
