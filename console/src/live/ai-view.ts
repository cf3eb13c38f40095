import { collection, doc, limit, onSnapshot, orderBy, query } from "firebase/firestore";
import { useEffect, useRef } from "preact/hooks";
import { api } from "../api";
import { useLoad } from "../components/ui";
import { firebase } from "../firebase";
import type { AiView } from "../types";

/** Changes often come in bursts (an import, a consolidation): one reload per burst. */
const SETTLE_MS = 400;

function useSettledReload(reload: () => void) {
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  return () => {
    clearTimeout(timer.current);
    timer.current = setTimeout(reload, SETTLE_MS);
  };
}

/**
 * One AI as the API answers it (counts per type included), reloaded when its registry document or
 * its room changes: a Firestore listener says when, the API says what.
 */
export function useAiView(aiUuid: string) {
  const loaded = useLoad(() => api.get<AiView>(`/v1/ais/${aiUuid}`), aiUuid);
  const reloadSoon = useSettledReload(loaded.reload);
  useEffect(() => {
    const { db } = firebase();
    let first = 2;
    const skipFirst = () => {
      if (first > 0) first -= 1;
      else reloadSoon();
    };
    const stopRegistry = onSnapshot(doc(db, "ai_registry", aiUuid), skipFirst, () => undefined);
    const room = query(collection(db, "ai_registry", aiUuid, "events"), orderBy("at", "desc"), limit(1));
    const stopRoom = onSnapshot(room, skipFirst, () => undefined);
    return () => {
      stopRegistry();
      stopRoom();
    };
  }, [aiUuid]);
  return loaded;
}

/** Every AI (newest first), reloaded when any registry document changes. */
export function useAiList() {
  const loaded = useLoad(() => api.get<{ ais: AiView[] }>("/v1/ais?limit=200").then((answer) => answer.ais), "ais");
  const reloadSoon = useSettledReload(loaded.reload);
  useEffect(() => {
    let first = true;
    const registry = query(collection(firebase().db, "ai_registry"), orderBy("created_at", "desc"), limit(200));
    return onSnapshot(
      registry,
      () => {
        if (first) first = false;
        else reloadSoon();
      },
      () => undefined,
    );
  }, []);
  return loaded;
}
