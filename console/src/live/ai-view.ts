import { collection, doc, limit, onSnapshot, orderBy, query, type Timestamp, where } from "firebase/firestore";
import { useEffect, useRef, useState } from "preact/hooks";
import { api } from "../api";
import { useLoad } from "../components/ui";
import { firebase } from "../firebase";
import type { AiView } from "../types";

/** Changes often come in bursts (an import, a consolidation): one reload per burst. */
const SETTLE_MS = 400;

function useSettledReload(reload: () => void) {
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  return {
    soon: () => {
      clearTimeout(timer.current);
      timer.current = setTimeout(reload, SETTLE_MS);
    },
    cancel: () => clearTimeout(timer.current),
  };
}

/**
 * One AI as the API answers it (counts per type included), reloaded when its registry document or
 * its room changes: a Firestore listener says when, the API says what. `changes` counts what the
 * listeners saw; `gone` is true once the registry document is deleted (then nothing is reloaded).
 */
export function useAiView(aiUuid: string) {
  const loaded = useLoad(() => api.get<AiView>(`/v1/ais/${aiUuid}`), aiUuid);
  const reload = useSettledReload(loaded.reload);
  const [changes, setChanges] = useState(0);
  const [gone, setGone] = useState(false);
  const held = useRef(false);
  useEffect(() => {
    const { db } = firebase();
    let exists = true;
    const seen = { registry: false, room: false };
    const changed = (which: keyof typeof seen) => {
      if (!seen[which])
        seen[which] = true; // the first snapshot is the state loaded already
      else if (exists && !held.current) {
        setChanges((n) => n + 1);
        reload.soon();
      }
    };
    const stopRegistry = onSnapshot(
      doc(db, "ai_registry", aiUuid),
      (snapshot) => {
        exists = snapshot.exists();
        setGone(!exists);
        if (!exists) reload.cancel(); // a reload now would only answer 404
        if (exists) changed("registry");
      },
      () => undefined,
    );
    // Only a newer event is news: deleting the AI empties the room, which must not ask for a reload.
    let newest: string | null = null;
    const room = query(collection(db, "ai_registry", aiUuid, "events"), orderBy("at", "desc"), limit(1));
    const stopRoom = onSnapshot(
      room,
      (snapshot) => {
        const at = snapshot.docs[0]?.data({ serverTimestamps: "estimate" }).at as Timestamp | undefined;
        const position = at?.valueOf() ?? ""; // sorts as the time does, to the nanosecond
        if (newest !== null && position <= newest) return;
        newest = position;
        changed("room");
      },
      () => undefined,
    );
    return () => {
      stopRegistry();
      stopRoom();
    };
  }, [aiUuid]);
  /** While held (the AI is being deleted from this page), changes reload nothing. */
  const hold = (holding: boolean) => {
    held.current = holding;
    if (holding) reload.cancel();
  };
  return { ...loaded, changes, gone, hold };
}

/**
 * Every AI (newest first), or one owner's, reloaded when a registry document it lists changes. A
 * user passes their own uid: firestore.rules let them list only `where owner_uid == <uid>`.
 */
export function useAiList(owner: string | null = null) {
  const path = owner ? `/v1/ais?limit=200&owner_uid=${encodeURIComponent(owner)}` : "/v1/ais?limit=200";
  const loaded = useLoad(() => api.get<{ ais: AiView[] }>(path).then((answer) => answer.ais), path);
  const reload = useSettledReload(loaded.reload);
  useEffect(() => {
    let first = true;
    const all = collection(firebase().db, "ai_registry");
    const registry = owner
      ? query(all, where("owner_uid", "==", owner), orderBy("created_at", "desc"), limit(200))
      : query(all, orderBy("created_at", "desc"), limit(200));
    return onSnapshot(
      registry,
      () => {
        if (first) first = false;
        else reload.soon();
      },
      () => undefined,
    );
  }, [owner]);
  return loaded;
}
