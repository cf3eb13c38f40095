import { useState } from "preact/hooks";
import { api } from "../api";
import { type Memory, MEMORY_TYPES, type MemoryType, type SearchResult } from "../types";
import { ColumnFrame } from "./board-columns";
import type { Finder, MemoryFilter } from "./board-search";
import { MemoryCard } from "./memory-card";
import { Empty, ErrorNote, Loading, useLoad } from "./ui";

interface ResultsProps {
  aiUuid: string;
  finder: Finder;
  /** Changes when a memory changed, so the results are asked for again. */
  round: number;
  onOpen: (memory: Memory) => void;
  onDropMemory: (memory: Memory, to: MemoryType) => void;
}

const SEARCH_LIMIT = 100;
const FILTER_PAGE = 25;

/** Ranked results of `POST /memories/search`, each in its type's column with its score. */
function SearchColumns({ aiUuid, query, round, onOpen, onDropMemory }: Omit<ResultsProps, "finder"> & { query: string }) {
  const results = useLoad(
    () => api.post<{ results: SearchResult[] }>(`/v1/ais/${aiUuid}/memories/search`, { query, limit: SEARCH_LIMIT }).then((answer) => answer.results),
    `${aiUuid}:${query}:${round}`,
  );
  if (results.error) return <ErrorNote error={results.error} onRetry={results.reload} />;
  if (!results.data) return <Loading what="search results" />;
  if (results.data.length === 0) return <Empty>No memory matches “{query}”.</Empty>;
  return (
    <div class="board">
      {MEMORY_TYPES.map((type) => {
        const hits = results.data!.filter((hit) => hit.memory_type === type);
        return (
          <ColumnFrame key={type} type={type} count={hits.length} onDropMemory={onDropMemory}>
            {hits.length === 0 && <Empty>No match here.</Empty>}
            <ul class="cards">
              {hits.map((hit) => (
                <MemoryCard key={hit.id} memory={hit} score={hit.score} onOpen={onOpen} />
              ))}
            </ul>
          </ColumnFrame>
        );
      })}
    </div>
  );
}

/** One column of retrieve_memories with a filter, newest first, with its cursor for more. */
function FilterColumn({ aiUuid, type, filter, round, onOpen, onDropMemory }: Omit<ResultsProps, "finder"> & { type: MemoryType; filter: MemoryFilter }) {
  const [more, setMore] = useState<{ memories: Memory[]; cursor: string | null; error?: unknown }>({ memories: [], cursor: null });
  const fetchPage = (cursor?: string) =>
    api.post<{ memories: Memory[]; next_cursor: string | null }>("/retrieve_memories", {
      ai_uuid: aiUuid,
      memory_type: type,
      limit: FILTER_PAGE,
      filter_query: filter,
      ...(cursor ? { cursor } : {}),
    });
  const loadFirst = async () => {
    const page = await fetchPage();
    setMore({ memories: [], cursor: page.next_cursor }); // later pages start over from here
    return page;
  };
  const first = useLoad(loadFirst, `${aiUuid}:${type}:${JSON.stringify(filter)}:${round}`);
  const loadMore = async () => {
    try {
      const page = await fetchPage(more.cursor ?? undefined);
      setMore({ memories: [...more.memories, ...page.memories], cursor: page.next_cursor });
    } catch (error) {
      setMore({ ...more, error });
    }
  };
  const memories = [...(first.data?.memories ?? []), ...more.memories];
  return (
    <ColumnFrame type={type} onDropMemory={onDropMemory}>
      {first.error ? <ErrorNote error={first.error} onRetry={first.reload} /> : null}
      {!first.data && !first.error && <Loading what="memories" />}
      {first.data && memories.length === 0 && <Empty>No memory matches the filters.</Empty>}
      <ul class="cards">
        {memories.map((memory) => (
          <MemoryCard key={memory.id} memory={memory} onOpen={onOpen} />
        ))}
      </ul>
      {more.error ? <ErrorNote error={more.error} /> : null}
      {more.cursor && (
        <button type="button" class="button small more" onClick={() => void loadMore()}>
          Load more
        </button>
      )}
    </ColumnFrame>
  );
}

export function BoardResults(props: ResultsProps) {
  const { finder } = props;
  if (finder.kind === "search") return <SearchColumns {...props} query={finder.query} />;
  return (
    <div class="board">
      {MEMORY_TYPES.map((type) => (
        <FilterColumn key={type} {...props} type={type} filter={finder.filter} />
      ))}
    </div>
  );
}
