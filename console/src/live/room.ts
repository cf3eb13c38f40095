import { collection, documentId, limitToLast, onSnapshot, orderBy, query, Timestamp } from "firebase/firestore";
import { useEffect, useState } from "preact/hooks";
import { firebase } from "../firebase";
import type { RoomEvent } from "../types";

/** The feed shows the newest events; older ones expire from the room after a week anyway. */
const FEED_SIZE = 100;

/**
 * The AI's room (`ai_registry/{ai}/events`) as a live feed, in commit order: ordered by `at`, then
 * by document id (the engine's order; works before and after the engine rewrite).
 */
export function useRoom(aiUuid: string) {
  const [events, setEvents] = useState<RoomEvent[] | null>(null);
  const [error, setError] = useState<Error | null>(null);
  useEffect(() => {
    const room = query(collection(firebase().db, "ai_registry", aiUuid, "events"), orderBy("at"), orderBy(documentId()), limitToLast(FEED_SIZE));
    return onSnapshot(
      room,
      (snapshot) => {
        setError(null);
        setEvents(
          snapshot.docs.map((doc) => {
            const data = doc.data({ serverTimestamps: "estimate" });
            const at = data.at instanceof Timestamp ? data.at.toDate().toISOString() : "";
            return { id: doc.id, event: String(data.event), data: data.data, sender: data.sender ?? { kind: "system" }, at };
          }),
        );
      },
      setError,
    );
  }, [aiUuid]);
  return { events, error };
}
