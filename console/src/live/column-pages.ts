import {
  collection,
  endAt,
  limit,
  onSnapshot,
  orderBy,
  query,
  type QueryConstraint,
  type QueryDocumentSnapshot,
  startAfter,
} from "firebase/firestore";
import { useEffect, useMemo, useState } from "preact/hooks";
import { firebase } from "../firebase";
import type { Memory, MemoryType } from "../types";
import { memoryFromDoc } from "./memory-docs";

export const PAGE_SIZE = 25;

/**
 * A stretch of one column, newest first. The last segment is "the next PAGE_SIZE after `after`";
 * every earlier one is closed at `until` (inclusive). Closing a segment when the next page loads
 * keeps the stretches contiguous: a memory added at the top grows the first segment instead of
 * pushing one out of sight between two pages.
 */
interface Segment {
  after: QueryDocumentSnapshot | null;
  until: QueryDocumentSnapshot | null;
}

interface SegmentState {
  docs: QueryDocumentSnapshot[];
  ready: boolean;
}

export interface ColumnPages {
  memories: Memory[];
  /** Changes with every snapshot of any segment. */
  snapshots: number;
  loading: boolean;
  error: Error | null;
  hasMore: boolean;
  loadMore: () => void;
}

const segmentKey = (segment: Segment) => `${segment.after?.id ?? "top"}..${segment.until?.id ?? "page"}`;

/**
 * One memory column as Firestore listeners, ordered by created_at desc: the first page at once,
 * more pages by cursor. Each segment is live, so edits, moves and deletions anywhere show up.
 * The caller keys the component by AI and type: a new column starts from the top.
 */
export function useColumnPages(aiUuid: string, type: MemoryType): ColumnPages {
  const [segments, setSegments] = useState<Segment[]>([{ after: null, until: null }]);
  const [states, setStates] = useState<Record<string, SegmentState>>({});
  const [error, setError] = useState<Error | null>(null);
  const [snapshots, setSnapshots] = useState(0);

  useEffect(() => {
    const base = collection(firebase().db, "ai_registry", aiUuid, type);
    const stops = segments.map((segment) => {
      const key = segmentKey(segment);
      const constraints: QueryConstraint[] = [orderBy("created_at", "desc")];
      if (segment.after) constraints.push(startAfter(segment.after));
      constraints.push(segment.until ? endAt(segment.until) : limit(PAGE_SIZE));
      return onSnapshot(
        query(base, ...constraints),
        (snapshot) => {
          setError(null);
          setStates((previous) => ({ ...previous, [key]: { docs: snapshot.docs, ready: true } }));
          setSnapshots((n) => n + 1);
        },
        (caught) => setError(caught),
      );
    });
    return () => stops.forEach((stop) => stop());
  }, [aiUuid, type, segments]);

  const stateOf = (segment: Segment) => states[segmentKey(segment)] ?? { docs: [], ready: false };
  const last = segments[segments.length - 1];
  const lastState = stateOf(last);
  const memories = useMemo(
    () => segments.flatMap((segment) => stateOf(segment).docs.map((doc) => memoryFromDoc(doc.id, doc.data()))),
    [segments, states],
  );

  const loadMore = () => {
    const lastDoc = lastState.docs[lastState.docs.length - 1];
    if (!lastDoc) return;
    const closed = { after: last.after, until: lastDoc };
    // The closed segment keeps its documents while its new listener starts: no flicker.
    setStates((previous) => ({ ...previous, [segmentKey(closed)]: lastState }));
    setSegments([...segments.slice(0, -1), closed, { after: lastDoc, until: null }]);
  };

  return {
    memories,
    snapshots,
    loading: segments.some((segment) => !stateOf(segment).ready),
    error,
    hasMore: lastState.ready && lastState.docs.length >= PAGE_SIZE,
    loadMore,
  };
}
