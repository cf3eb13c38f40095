import { useEffect, useState } from "preact/hooks";

/** A small History API router: the console's paths never collide with the API's (/v1, /mcp, the seed's). */
const CHANGE = "console:navigate";

export function navigate(path: string): void {
  if (path === location.pathname + location.search) return;
  history.pushState(null, "", path);
  window.dispatchEvent(new Event(CHANGE));
}

export function usePath(): string {
  const [path, setPath] = useState(location.pathname);
  useEffect(() => {
    const update = () => setPath(location.pathname);
    window.addEventListener("popstate", update);
    window.addEventListener(CHANGE, update);
    return () => {
      window.removeEventListener("popstate", update);
      window.removeEventListener(CHANGE, update);
    };
  }, []);
  return path;
}

export type Route =
  | { view: "ais"; owner?: string }
  | { view: "users" }
  | { view: "ai"; aiUuid: string; tab: AiTab }
  | { view: "not-found" };

export const AI_TABS = ["board", "room", "conversations", "playground", "tools", "data", "settings"] as const;
export type AiTab = (typeof AI_TABS)[number];

export function routeOf(path: string): Route {
  if (path === "/" || path === "/ais") return { view: "ais" };
  if (path === "/users") return { view: "users" };
  const user = /^\/users\/([A-Za-z0-9_.:-]{1,128})\/?$/.exec(path);
  if (user) return { view: "ais", owner: user[1] };
  const match = /^\/ais\/([0-9a-f-]{36})(?:\/([a-z]+))?\/?$/.exec(path);
  if (!match) return { view: "not-found" };
  const tab = (match[2] ?? "board") as AiTab;
  return AI_TABS.includes(tab) ? { view: "ai", aiUuid: match[1], tab } : { view: "not-found" };
}

export const aiPath = (aiUuid: string, tab: AiTab = "board") =>
  tab === "board" ? `/ais/${aiUuid}` : `/ais/${aiUuid}/${tab}`;

/** The admin's view of one user's AIs. */
export const userAisPath = (uid: string) => `/users/${uid}`;
