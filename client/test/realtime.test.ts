import { afterEach, describe, expect, it } from "vitest";
import { db, EMULATOR_LISTEN_RETRY, newAi } from "../../test-support/emulator";
import type { MemoryUpdate } from "../src";
import type { AiMemorySocket } from "../src/socket-entry";
import { connectedAi, openSocket, record, settle, until } from "./helpers";

const sockets: AiMemorySocket[] = [];
const track = <T extends { socket: AiMemorySocket }>(value: T): T => {
  sockets.push(value.socket);
  return value;
};
afterEach(async () => {
  await Promise.all(sockets.splice(0).map((socket) => socket.close()));
});

const summary = (updates: Array<{ data: MemoryUpdate }>) =>
  updates.map(
    ({ data }) => `${data.action} ${data.memory_type} v${data.version}${data.from ? ` from ${data.from}` : ""}`,
  );

describe("an AI process connected with the SDK", EMULATOR_LISTEN_RETRY, () => {
  it("gets each memory_update of create, edit, move and delete, in order", async () => {
    const { ai, socket, api } = track(await connectedAi("Realtime Listener"));
    const updates = record<MemoryUpdate>(socket, "memory_update");
    const who = { ai_uuid: ai.ai_uuid, ai_name: ai.ai_name };

    const memory = await api.memories.create({ ...who, memory_type: "working_memory", memory_data: "watch me" });
    await api.memories.edit({
      ...who,
      memory_type: "working_memory",
      memory_id: memory.id,
      memory_data: "watch me change",
    });
    await api.memories.move({
      ...who,
      from_memory_type: "working_memory",
      to_memory_type: "long_term_memory",
      document_id: memory.id,
    });
    await api.memories.delete({ ...who, memory_type: "long_term_memory", memory_id: memory.id });

    await until(updates, 4);
    await settle();
    expect(summary(updates)).toEqual([
      "created working_memory v1",
      "updated working_memory v2",
      "moved long_term_memory v2 from working_memory",
      "deleted long_term_memory v2",
    ]);
    expect(updates.every(({ data }) => data.memory_id === memory.id)).toBe(true);
    const times = updates.map(({ event }) => (event.at as Date).getTime());
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it("never sees another AI's events", async () => {
    const one = track(await connectedAi("Realtime One"));
    const two = track(await connectedAi("Realtime Two"));
    const seenByOne = record<MemoryUpdate>(one.socket, "memory_update");
    const seenByTwo = record<MemoryUpdate>(two.socket, "memory_update");
    const messagesOfTwo = record(two.socket, "message");

    const mine = await one.api.memories.create({
      ai_uuid: one.ai.ai_uuid,
      memory_type: "personal_logs",
      memory_data: "one's",
    });
    const theirs = await two.api.memories.create({
      ai_uuid: two.ai.ai_uuid,
      memory_type: "archive",
      memory_data: "two's",
    });
    await one.socket.emit("message", { text: "for one only" });

    await until(seenByOne, 1);
    await until(seenByTwo, 1);
    await settle();
    expect(seenByOne.map(({ data }) => data.memory_id)).toEqual([mine.id]);
    expect(seenByTwo.map(({ data }) => data.memory_id)).toEqual([theirs.id]);
    expect(messagesOfTwo).toEqual([]);
  });

  it("delivers a message from one client of an AI to another client of the same AI, with an ack", async () => {
    const first = track(await connectedAi("Realtime Chatty", { clientId: "first-client" }));
    const second = track({ socket: await openSocket(first.ai, { clientId: "second-client" }) });
    const atFirst = record(first.socket, "message");
    const atSecond = record(second.socket, "message");

    const ack = await first.socket.emit("message", { text: "hello from the first process" });
    expect(ack).toMatchObject({ ack: true, at: expect.any(String) });
    expect(ack.event_id).toMatch(/^c-/);

    const [received] = await until(atSecond, 1);
    expect(received.data).toEqual({ text: "hello from the first process" });
    expect(received.event).toMatchObject({
      id: ack.event_id,
      event: "message",
      sender: { kind: "ai", ai_uuid: first.ai.ai_uuid, client_id: "first-client" },
    });
    expect((received.event.at as Date).toISOString()).toBe(ack.at);
    await settle(500);
    expect(atFirst).toEqual([]); // a socket does not hear its own emits back
  });

  it("resumes after a disconnect without losing or repeating an event", async () => {
    const { ai, socket, api } = track(await connectedAi("Realtime Resume"));
    const updates = record<MemoryUpdate>(socket, "memory_update");
    const who = { ai_uuid: ai.ai_uuid };
    await api.memories.create({ ...who, memory_type: "working_memory", memory_data: "before the drop" });
    await until(updates, 1);

    socket.disconnect("network drop");
    const missed = [
      await api.memories.create({ ...who, memory_type: "working_memory", memory_data: "while away 1" }),
      await api.memories.create({ ...who, memory_type: "archive", memory_data: "while away 2" }),
    ];
    // Both events are in the room before the socket comes back: they commit with the memories.
    expect((await db.collection(`ai_registry/${ai.ai_uuid}/events`).count().get()).data().count).toBe(3);

    await socket.connect();
    await until(updates, 3);
    await settle();
    const ids = updates.map(({ data }) => data.memory_id);
    expect(ids.slice(1).sort()).toEqual(missed.map((memory) => memory.id).sort());
    expect(new Set(updates.map(({ event }) => event.id)).size).toBe(3);
    expect(updates).toHaveLength(3);
  });

  it("delivers every memory_update of bursts of concurrent creates once, across a reconnect between them", async () => {
    const { ai, socket, api } = track(await connectedAi("Realtime Burst"));
    const updates = record<MemoryUpdate>(socket, "memory_update");
    const created: string[] = [];
    // 16 clients create `count` memories at once; the emulator shows such commits out of order.
    const burst = async (count: number) => {
      const texts = Array.from({ length: count }, (_, index) => `burst note ${created.length + index}`);
      const writer = async () => {
        for (let text = texts.shift(); text !== undefined; text = texts.shift()) {
          const memory = await api.memories.create({
            ai_uuid: ai.ai_uuid,
            memory_type: "long_term_memory",
            memory_data: text,
          });
          created.push(memory.id);
        }
      };
      await Promise.all(Array.from({ length: 16 }, writer));
    };

    await burst(80);
    socket.disconnect("network drop");
    await burst(60);
    // Back after the last event it delivered, reading the last seconds again: none twice.
    await socket.connect();
    await burst(60);

    await until(updates, created.length, 60_000);
    await settle();
    expect(updates.map(({ data }) => data.memory_id).sort()).toEqual([...created].sort());
  }, 90_000);

  it("keeps a presence document alive with heartbeats and removes it on close", async () => {
    const ai = await newAi("Realtime Presence");
    const socket = await openSocket(ai, { clientId: "beating", heartbeatIntervalMs: 200 });
    const beats = record(socket, "heartbeat");
    await until(beats, 2);
    const presence = await db.doc(`ai_registry/${ai.ai_uuid}/presence/beating`).get();
    expect(presence.get("client_id")).toBe("beating");
    expect(presence.get("expires_at").toMillis()).toBeGreaterThan(Date.now());
    await socket.close();
    expect((await db.doc(`ai_registry/${ai.ai_uuid}/presence/beating`).get()).exists).toBe(false);
  });
});
