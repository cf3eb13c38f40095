import { useState } from "preact/hooks";
import { type AiView, type Memory, MEMORY_TYPES, type MemoryType } from "../types";
import { LiveColumn } from "./board-columns";
import { BoardResults } from "./board-results";
import { BoardSearch, type Finder } from "./board-search";
import { MemoryDialog, moveMemory, NewMemoryDialog } from "./memory-dialog";
import { ErrorNote, useAction } from "./ui";

/**
 * One AI's memory as a board: the four types as live columns. Search and filters show their
 * results in the same columns until "Back to live board".
 */
export function Board({ ai, roomChanges }: { ai: AiView; roomChanges: number }) {
  const [finder, setFinder] = useState<Finder | null>(null);
  const [open, setOpen] = useState<Memory | null>(null);
  const [adding, setAdding] = useState<MemoryType | null>(null);
  const [round, setRound] = useState(0);
  const drop = useAction();
  const changed = () => setRound((n) => n + 1);
  const onDropMemory = (memory: Memory, to: MemoryType) => void drop.run(() => moveMemory(memory, to)).then(changed);
  return (
    <div class="board-page">
      <BoardSearch active={finder !== null} onFind={setFinder} onClear={() => setFinder(null)} />
      {drop.error ? <ErrorNote error={drop.error} /> : null}
      {finder ? (
        <>
          <p class="muted" role="status">
            {finder.kind === "search" ? `Ranked by the product's retrieval for “${finder.query}”.` : "Filtered with retrieve_memories, newest first."} Results are a snapshot.
          </p>
          <BoardResults aiUuid={ai.ai_uuid} finder={finder} round={round} onOpen={setOpen} onDropMemory={onDropMemory} />
        </>
      ) : (
        <div class="board">
          {MEMORY_TYPES.map((type) => (
            <LiveColumn
              key={`${ai.ai_uuid}:${type}`}
              aiUuid={ai.ai_uuid}
              type={type}
              roomSignal={roomChanges}
              onOpen={setOpen}
              onAdd={() => setAdding(type)}
              onDropMemory={onDropMemory}
            />
          ))}
        </div>
      )}
      {open && (
        <MemoryDialog
          key={open.id}
          memory={open}
          onClose={() => {
            setOpen(null);
            changed();
          }}
        />
      )}
      {adding && <NewMemoryDialog aiUuid={ai.ai_uuid} type={adding} onClose={() => setAdding(null)} />}
    </div>
  );
}
