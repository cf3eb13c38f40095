import type { Memory, MemoryType } from "../types";
import { contentPreview } from "./memory-form";

/** The memory being dragged: drop targets read it (dataTransfer is not readable during dragover). */
let dragged: Memory | null = null;
export const draggedMemory = () => dragged;

export function MemoryCard({
  memory,
  score,
  onOpen,
}: {
  memory: Memory;
  score?: number;
  onOpen: (memory: Memory) => void;
}) {
  return (
    <li
      class="memory-card"
      data-memory-id={memory.id}
      draggable
      onDragStart={(event) => {
        dragged = memory;
        event.dataTransfer?.setData("text/plain", memory.id);
        if (event.dataTransfer) event.dataTransfer.effectAllowed = "move";
      }}
      onDragEnd={() => (dragged = null)}
    >
      <button
        type="button"
        class="memory-open"
        onClick={() => onOpen(memory)}
        aria-label={`Open memory: ${contentPreview(memory).slice(0, 80)}`}
      >
        <span class="memory-text">{contentPreview(memory)}</span>
        <span class="memory-meta">
          {score !== undefined && (
            <span class="score" title="relevance score">
              score {score.toFixed(3)}
            </span>
          )}
          {memory.tags.map((tag) => (
            <span key={tag} class="tag">
              {tag}
            </span>
          ))}
          <span>importance {memory.importance}</span>
          <span>v{memory.version}</span>
          <span>{memory.source}</span>
        </span>
      </button>
    </li>
  );
}

/** Drag-and-drop handlers for a column: a memory dropped here moves to `type`. */
export function dropTarget(type: MemoryType, onDrop: (memory: Memory) => void, setOver: (over: boolean) => void) {
  return {
    onDragOver: (event: DragEvent) => {
      if (!dragged || dragged.memory_type === type) return;
      event.preventDefault();
      setOver(true);
    },
    onDragLeave: () => setOver(false),
    onDrop: (event: DragEvent) => {
      event.preventDefault();
      setOver(false);
      const memory = dragged;
      dragged = null;
      if (memory && memory.memory_type !== type) onDrop(memory);
    },
  };
}
