import { collection, onSnapshot, query, Timestamp, where } from "firebase/firestore";
import { useEffect, useState } from "preact/hooks";
import { firebase } from "../firebase";
import type { PresenceEntry } from "../types";

/** How often entries are re-checked against the clock: a client that stops heartbeating drops out. */
const RECHECK_MS = 10_000;

/** The clients connected to an AI now: `ai_registry/{ai}/presence` where expires_at > now, live. */
export function usePresence(aiUuid: string): PresenceEntry[] {
  const [entries, setEntries] = useState<PresenceEntry[]>([]);
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const presence = query(collection(firebase().db, "ai_registry", aiUuid, "presence"), where("expires_at", ">", Timestamp.now()));
    const stop = onSnapshot(
      presence,
      (snapshot) =>
        setEntries(
          snapshot.docs.map((doc) => {
            const data = doc.data();
            return { client_id: doc.id, sender: data.sender, status: String(data.status ?? "online"), expires_at: (data.expires_at as Timestamp).toMillis() };
          }),
        ),
      () => setEntries([]),
    );
    const timer = setInterval(() => setNow(Date.now()), RECHECK_MS);
    return () => {
      stop();
      clearInterval(timer);
    };
  }, [aiUuid]);
  return entries.filter((entry) => entry.expires_at > now);
}
