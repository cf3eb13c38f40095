import { Timestamp } from "firebase-admin/firestore";
import request from "supertest";
import { describe, expect, it } from "vitest";
import { eventIdForTrigger, handleMemoryWrite, type MemoryWriteEvent } from "../../src/events/memory-fanout";
import { app, bearer, db, newAi } from "../support/emulator";
import { createMemoryAs } from "../support/memory-api";
import { eventually, expectGapFree, memoryUpdates, roomOf, statsOf } from "./room";

const snapshot = (data?: Record<string, unknown>) => ({ exists: data !== undefined, data: () => data });

/** A trigger event for a memory that is never written, so the emulator's own trigger stays out of it. */
function fakeCreate(aiUuid: string, id: string, eventId: string): MemoryWriteEvent {
  const now = Timestamp.now();
  return {
    id: eventId,
    params: { ai_uuid: aiUuid, memory_id: id },
    data: { before: snapshot(), after: snapshot({ id, version: 1, memory_type: "archive", created_at: now, updated_at: now }) },
  };
}

describe("memory fan-out handler (called directly)", () => {
  it("writes one event and counts once when a delivery is repeated three times", async () => {
    const ai = await newAi("Fanout Redelivery");
    const event = fakeCreate(ai.ai_uuid, "fake-1", `evt-${ai.ai_uuid}-1`);
    const results = [];
    for (let i = 0; i < 3; i++) results.push(await handleMemoryWrite("archive", event, { db }));
    expect(results.filter(Boolean)).toHaveLength(1);
    const room = await roomOf(ai.ai_uuid);
    expect(room).toHaveLength(1);
    expect(room[0]).toMatchObject({
      id: eventIdForTrigger(event.id),
      seq: 1,
      event: "memory_update",
      data: { action: "created", memory_type: "archive", memory_id: "fake-1", version: 1 },
      sender: { kind: "system" },
    });
    expect((await statsOf(ai.ai_uuid)).archive).toBe(1);
  });

  it("writes one event when the same delivery runs ten times at once", async () => {
    const ai = await newAi("Fanout Concurrent");
    const event = fakeCreate(ai.ai_uuid, "fake-2", `evt-${ai.ai_uuid}-2`);
    const other = fakeCreate(ai.ai_uuid, "fake-3", `evt-${ai.ai_uuid}-3`);
    const results = await Promise.all([
      ...Array.from({ length: 10 }, () => handleMemoryWrite("archive", event, { db })),
      ...Array.from({ length: 10 }, () => handleMemoryWrite("archive", other, { db })),
    ]);
    expect(results.filter(Boolean)).toHaveLength(2);
    const room = await roomOf(ai.ai_uuid);
    expect(room.map((entry) => entry.data.memory_id).sort()).toEqual(["fake-2", "fake-3"]);
    expectGapFree(room);
    expect((await statsOf(ai.ai_uuid)).archive).toBe(2);
  });

  it("stays silent on writes that keep the version (index updates) and on unknown AIs", async () => {
    const ai = await newAi("Fanout Silent");
    const now = Timestamp.now();
    const doc = { id: "m", version: 3, updated_at: now };
    const reindex: MemoryWriteEvent = {
      id: `evt-${ai.ai_uuid}-reindex`,
      params: { ai_uuid: ai.ai_uuid, memory_id: "m" },
      data: { before: snapshot(doc), after: snapshot({ ...doc, terms: ["x"] }) },
    };
    expect(await handleMemoryWrite("working_memory", reindex, { db })).toBeNull();
    const ghost = fakeCreate("00000000-0000-4000-8000-00000000dead", "m", `evt-${ai.ai_uuid}-ghost`);
    expect(await handleMemoryWrite("archive", ghost, { db })).toBeNull();
    expect(await roomOf(ai.ai_uuid)).toEqual([]);
  });
});

describe("memory triggers in the Functions emulator", () => {
  const send = (ai: Awaited<ReturnType<typeof newAi>>, path: string, body: Record<string, unknown>) =>
    request(app).post(path).set("Authorization", bearer(ai)).send({ ai_uuid: ai.ai_uuid, ...body });

  it("tell create, edit, move and delete once each, in order, with exact stats", async () => {
    const ai = await newAi("Fanout Live");
    const memory = await createMemoryAs(ai, "working_memory", "the first thought");
    const kept = await createMemoryAs(ai, "long_term_memory", "a keeper");
    expect((await send(ai, "/edit_memory", { memory_type: "working_memory", memory_id: memory.id, memory_data: "edited" })).status).toBe(200);
    const moved = await send(ai, "/move_memory", { from_memory_type: "working_memory", to_memory_type: "archive", document_id: memory.id });
    expect(moved.status).toBe(200);
    expect((await send(ai, "/delete_memory", { memory_type: "archive", memory_id: memory.id })).status).toBe(200);

    const updates = await eventually(() => memoryUpdates(ai.ai_uuid), (events) => events.length >= 5);
    const ofMemory = updates.filter((event) => event.data.memory_id === memory.id).map((event) => event.data);
    expect(ofMemory).toEqual([
      { action: "created", memory_type: "working_memory", memory_id: memory.id, version: 1 },
      { action: "updated", memory_type: "working_memory", memory_id: memory.id, version: 2 },
      { action: "moved", memory_type: "archive", memory_id: memory.id, version: 2, from: "working_memory", to: "archive" },
      { action: "deleted", memory_type: "archive", memory_id: memory.id, version: 2 },
    ]);
    expect(updates.filter((event) => event.data.memory_id === kept.id)).toHaveLength(1);
    expectGapFree(await roomOf(ai.ai_uuid));
    // A late duplicate would show up here: give the triggers time to settle, then count again.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await memoryUpdates(ai.ai_uuid)).toHaveLength(5);
    expect(await statsOf(ai.ai_uuid)).toEqual({ working_memory: 0, long_term_memory: 1, personal_logs: 0, archive: 0 });
  });

  it("keeps each AI's events in its own room", async () => {
    const [one, two] = await Promise.all([newAi("Fanout One"), newAi("Fanout Two")]);
    const mine = await createMemoryAs(one, "personal_logs", "only mine");
    const theirs = await createMemoryAs(two, "personal_logs", "only theirs");
    const roomOne = await eventually(() => memoryUpdates(one.ai_uuid), (events) => events.length >= 1);
    const roomTwo = await eventually(() => memoryUpdates(two.ai_uuid), (events) => events.length >= 1);
    expect(roomOne.map((event) => event.data.memory_id)).toEqual([mine.id]);
    expect(roomTwo.map((event) => event.data.memory_id)).toEqual([theirs.id]);
  });
});
