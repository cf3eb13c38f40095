import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import { useColumnCount } from "../live/column-count";
import { useColumnPages } from "../live/column-pages";
import { type Memory, MEMORY_TYPE_LABELS, type MemoryType } from "../types";
import { dropTarget, MemoryCard } from "./memory-card";
import { Empty, ErrorNote, Loading } from "./ui";

interface ColumnFrameProps {
  type: MemoryType;
  count?: number;
  onAdd?: () => void;
  onDropMemory: (memory: Memory, to: MemoryType) => void;
  children: ComponentChildren;
}

/** A board column: its heading, and a drop target for memories dragged from another column. */
export function ColumnFrame({ type, count, onAdd, onDropMemory, children }: ColumnFrameProps) {
  const [over, setOver] = useState(false);
  return (
    <section class={over ? "column drop-over" : "column"} data-column={type} aria-labelledby={`column-${type}`} {...dropTarget(type, (memory) => onDropMemory(memory, type), setOver)}>
      <header class="column-head">
        <h2 id={`column-${type}`}>
          {MEMORY_TYPE_LABELS[type]} {count !== undefined && <span class="count">{count}</span>}
        </h2>
        {onAdd && (
          <button type="button" class="button small" onClick={onAdd} aria-label={`Add a memory to ${MEMORY_TYPE_LABELS[type]}`}>
            + Add
          </button>
        )}
      </header>
      {children}
    </section>
  );
}

interface ColumnProps {
  aiUuid: string;
  type: MemoryType;
  /** Changes when the AI's room says something happened (a deletion far down the column, say). */
  roomSignal: unknown;
  onOpen: (memory: Memory) => void;
  onAdd: () => void;
  onDropMemory: (memory: Memory, to: MemoryType) => void;
}

/** A live column: Firestore listeners on the newest page, more pages on demand. */
export function LiveColumn({ aiUuid, type, roomSignal, onOpen, onAdd, onDropMemory }: ColumnProps) {
  const pages = useColumnPages(aiUuid, type);
  const count = useColumnCount(aiUuid, type, `${pages.snapshots}:${String(roomSignal)}`);
  return (
    <ColumnFrame type={type} count={count ?? undefined} onAdd={onAdd} onDropMemory={onDropMemory}>
      {pages.error && <ErrorNote error={pages.error} />}
      {pages.loading && pages.memories.length === 0 && <Loading what="memories" />}
      {!pages.loading && pages.memories.length === 0 && !pages.error && <Empty>No memory here yet.</Empty>}
      <ul class="cards">
        {pages.memories.map((memory) => (
          <MemoryCard key={memory.id} memory={memory} onOpen={onOpen} />
        ))}
      </ul>
      {pages.hasMore && (
        <button type="button" class="button small more" onClick={pages.loadMore}>
          Load more
        </button>
      )}
    </ColumnFrame>
  );
}
