import type { AddressInfo } from "node:net";
import { afterAll, expect } from "vitest";
import { app, newAi, PROJECT_ID, type HandshakeBody } from "../../test-support/emulator";
import { AiMemory, type RoomEvent } from "../src";
import { AiMemorySocket } from "../src/socket-entry";

// The API app of the test process on a real port: the same code the `api` function serves, with the
// test's secrets (the Functions emulator reads its secrets from a file every concurrent run rewrites).
// Events are written with each change, so no trigger stands between a write and its event.
const server = app.listen(0, "127.0.0.1");
const baseURL = () => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
afterAll(() => {
  server.close();
});

/** The SDK against the running emulators: HTTP to the app, listeners on the Firestore emulator. */
export const adminClient = () => new AiMemory({ baseURL: baseURL(), apiKey: process.env.ADMIN_API_KEY });
export const aiClient = (ai: HandshakeBody) => adminClient().withOptions({ apiKey: ai.tokens.ai_token });

/** A new AI (handshake by the admin) and a connected socket for it. */
export async function connectedAi(name: string, options: { clientId?: string } = {}) {
  const ai = await newAi(name);
  const socket = await openSocket(ai, options);
  return { ai, socket, api: aiClient(ai) };
}

export async function openSocket(ai: HandshakeBody, options: { clientId?: string; heartbeatIntervalMs?: number } = {}) {
  const socket = new AiMemorySocket({
    api: adminClient(),
    handshake: ai,
    firebase: { projectId: PROJECT_ID },
    ...options,
  });
  return socket.connect();
}

/** Everything a socket delivers for `event`, in delivery order. */
export function record<D = unknown>(socket: AiMemorySocket, event: string): Array<{ data: D; event: RoomEvent<D> }> {
  const seen: Array<{ data: D; event: RoomEvent<D> }> = [];
  socket.on(event, (data, stored) => seen.push({ data: data as D, event: stored as RoomEvent<D> }));
  return seen;
}

/** Waits for `count` items with a generous deadline (listeners on the emulator take their time under load). */
export async function until<T>(items: T[], count: number, deadlineMs = 20_000): Promise<T[]> {
  const deadline = Date.now() + deadlineMs;
  while (items.length < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  expect(items.length, JSON.stringify(items, null, 1)).toBeGreaterThanOrEqual(count);
  return items;
}

export const settle = (ms = 1500) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `check` holds, for up to a minute (the deployed trigger runs in the Functions emulator, on its own time). */
export async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean): Promise<T> {
  let value = await read();
  for (let wait = 0; wait < 120 && !check(value); wait += 1) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    value = await read();
  }
  return value;
}
