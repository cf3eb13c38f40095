import { collection, getCountFromServer } from "firebase/firestore";
import { useEffect, useState } from "preact/hooks";
import { firebase } from "../firebase";
import type { MemoryType } from "../types";

/** A burst of changes (an import) asks for one count, not one per change. */
const SETTLE_MS = 300;

/**
 * The number of memories in one column, counted by Firestore (count() aggregation: one read per
 * 1,000 memories), again whenever `changed` changes. Exact at once, whatever the engine's stats do.
 */
export function useColumnCount(aiUuid: string, type: MemoryType, changed: unknown): number | null {
  const [count, setCount] = useState<number | null>(null);
  useEffect(() => {
    let current = true;
    const timer = setTimeout(() => {
      getCountFromServer(collection(firebase().db, "ai_registry", aiUuid, type)).then(
        (snapshot) => current && setCount(snapshot.data().count),
        () => undefined, // the column shows its own listener's error
      );
    }, SETTLE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [aiUuid, type, changed]);
  return count;
}
