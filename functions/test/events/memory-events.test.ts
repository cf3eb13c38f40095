import request from "supertest";
import { describe, expect, it } from "vitest";
import { ADMIN, app, bearer, type HandshakeBody, newAi } from "../../../test-support/emulator";
import { indexAndCollections } from "../../../test-support/index-check";
import { createMemoryAs } from "../../../test-support/memory-api";
import { memoryUpdates, roomOf } from "./room";

const send = (ai: HandshakeBody, path: string, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  request(app)
    .post(path)
    .set("Authorization", bearer(ai))
    .set(headers)
    .send({ ai_uuid: ai.ai_uuid, ...body });

const countsOf = async (ai: HandshakeBody) =>
  (await request(app).get(`/v1/ais/${ai.ai_uuid}`).set("Authorization", ADMIN)).body.stats as Record<string, number>;

const timeOf = (event: { at: { toMillis(): number } }) => event.at.toMillis();

describe("memory_update events, written with each change", () => {
  it("tell create, edit, move and delete once each, in commit order, as soon as each answer is sent", async () => {
    const ai = await newAi("Events Live");
    const memory = await createMemoryAs(ai, "working_memory", "the first thought");
    // No trigger in between: the event committed with the memory.
    expect((await memoryUpdates(ai.ai_uuid)).map((event) => event.data.memory_id)).toEqual([memory.id]);
    const kept = await createMemoryAs(ai, "long_term_memory", "a keeper");
    expect(
      (await send(ai, "/edit_memory", { memory_type: "working_memory", memory_id: memory.id, memory_data: "edited" }))
        .status,
    ).toBe(200);
    const moved = await send(ai, "/move_memory", {
      from_memory_type: "working_memory",
      to_memory_type: "archive",
      document_id: memory.id,
    });
    expect(moved.status).toBe(200);
    expect((await send(ai, "/delete_memory", { memory_type: "archive", memory_id: memory.id })).status).toBe(200);

    const updates = await memoryUpdates(ai.ai_uuid);
    expect(updates).toHaveLength(5);
    const ofMemory = updates.filter((event) => event.data.memory_id === memory.id).map((event) => event.data);
    expect(ofMemory).toEqual([
      { action: "created", memory_type: "working_memory", memory_id: memory.id, version: 1, source: "api" },
      { action: "updated", memory_type: "working_memory", memory_id: memory.id, version: 2, source: "api" },
      {
        action: "moved",
        memory_type: "archive",
        memory_id: memory.id,
        version: 2,
        source: "api",
        from: "working_memory",
        to: "archive",
      },
      { action: "deleted", memory_type: "archive", memory_id: memory.id, version: 2, source: "api" },
    ]);
    expect(updates.filter((event) => event.data.memory_id === kept.id)).toHaveLength(1);
    const times = updates.map(timeOf);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(await countsOf(ai)).toEqual({ working_memory: 0, long_term_memory: 1, personal_logs: 0, archive: 0 });
  });

  it("keeps each AI's events in its own room", async () => {
    const [one, two] = await Promise.all([newAi("Events One"), newAi("Events Two")]);
    const mine = await createMemoryAs(one, "personal_logs", "only mine");
    const theirs = await createMemoryAs(two, "personal_logs", "only theirs");
    expect((await memoryUpdates(one.ai_uuid)).map((event) => event.data.memory_id)).toEqual([mine.id]);
    expect((await memoryUpdates(two.ai_uuid)).map((event) => event.data.memory_id)).toEqual([theirs.id]);
  });

  it("create with an Idempotency-Key, delete, create again with the key: the retry is answered, nothing is made twice", async () => {
    const ai = await newAi("Events Idempotent");
    const key = { "Idempotency-Key": "same-key-1" };
    const body = { memory_type: "long_term_memory", memory_data: "remember once" };
    const first = await send(ai, "/create_memory", body, key);
    expect(first.status).toBe(201);
    expect(
      (await send(ai, "/delete_memory", { memory_type: "long_term_memory", memory_id: first.body.id })).status,
    ).toBe(200);
    const again = await send(ai, "/create_memory", body, key);
    expect(again.status).toBe(201);
    expect(again.headers["idempotent-replayed"]).toBe("true");
    expect(again.body.id).toBe(first.body.id);
    expect((await memoryUpdates(ai.ai_uuid)).map((event) => event.data.action)).toEqual(["created", "deleted"]);
    expect(await countsOf(ai)).toEqual({ working_memory: 0, long_term_memory: 0, personal_logs: 0, archive: 0 });
    const { collections, index } = await indexAndCollections(ai.ai_uuid);
    expect(index).toEqual(collections);
  });

  it("create, move away, move back, delete: one event each, counts back to zero", async () => {
    const ai = await newAi("Events Roundtrip");
    const memory = await createMemoryAs(ai, "working_memory", "travelling");
    const move = (from: string, to: string) =>
      send(ai, "/move_memory", { from_memory_type: from, to_memory_type: to, document_id: memory.id });
    expect((await move("working_memory", "archive")).status).toBe(200);
    expect((await move("archive", "working_memory")).status).toBe(200);
    expect((await send(ai, "/delete_memory", { memory_type: "working_memory", memory_id: memory.id })).status).toBe(
      200,
    );
    const updates = (await memoryUpdates(ai.ai_uuid)).map((event) => `${event.data.action} ${event.data.memory_type}`);
    expect(updates).toEqual([
      "created working_memory",
      "moved archive",
      "moved working_memory",
      "deleted working_memory",
    ]);
    expect(await countsOf(ai)).toEqual({ working_memory: 0, long_term_memory: 0, personal_logs: 0, archive: 0 });
  });

  it("after a concurrent mix of creates, edits, moves and deletes: one event per acknowledged change, exact counts, index = collections", async () => {
    const ai = await newAi("Events Mix");
    const seeds: Array<{ id: string }> = [];
    for (let index = 0; index < 8; index += 1) seeds.push(await createMemoryAs(ai, "working_memory", `seed ${index}`));
    const types = ["working_memory", "long_term_memory", "personal_logs", "archive"];
    const requests = [
      ...Array.from(
        { length: 24 },
        (_, index) => () => send(ai, "/create_memory", { memory_type: types[index % 4], memory_data: `new ${index}` }),
      ),
      ...Array.from(
        { length: 16 },
        (_, index) => () =>
          send(ai, "/edit_memory", {
            memory_type: "working_memory",
            memory_id: seeds[index % 4].id,
            memory_data: `edit ${index}`,
          }),
      ),
      ...Array.from(
        { length: 8 },
        (_, index) => () =>
          send(ai, "/move_memory", {
            from_memory_type: "working_memory",
            to_memory_type: types[1 + (index % 3)],
            document_id: seeds[2 + (index % 4)].id,
          }),
      ),
      ...Array.from(
        { length: 6 },
        (_, index) => () =>
          send(ai, "/delete_memory", { memory_type: "working_memory", memory_id: seeds[3 + (index % 5)].id }),
      ),
    ];
    const answers = await Promise.all(requests.map((call) => call()));
    for (const answer of answers)
      expect([200, 201, 404, 409, 503], JSON.stringify(answer.body)).toContain(answer.status);
    const acknowledged = answers.filter((answer) => answer.status < 300);

    const updates = await memoryUpdates(ai.ai_uuid);
    expect(updates).toHaveLength(seeds.length + acknowledged.length);
    // Each acknowledged edit, move and delete has its event, with the version it answered.
    for (const answer of acknowledged.filter((each) => each.body.version !== undefined)) {
      const matching = updates.filter(
        (event) =>
          event.data.memory_id === answer.body.id &&
          event.data.version === answer.body.version &&
          event.data.memory_type === answer.body.memory_type,
      );
      expect(matching.length, JSON.stringify(answer.body)).toBeGreaterThanOrEqual(1);
    }
    // Per memory, versions never go backwards in the room's order.
    const byMemory = new Map<string, number[]>();
    for (const event of updates)
      byMemory.set(String(event.data.memory_id), [
        ...(byMemory.get(String(event.data.memory_id)) ?? []),
        Number(event.data.version),
      ]);
    for (const versions of byMemory.values()) expect(versions).toEqual([...versions].sort((a, b) => a - b));

    const { collections, index } = await indexAndCollections(ai.ai_uuid);
    expect(index).toEqual(collections);
    const real = { working_memory: 0, long_term_memory: 0, personal_logs: 0, archive: 0 } as Record<string, number>;
    for (const type of Object.values(collections)) real[type] += 1;
    expect(await countsOf(ai)).toEqual(real);
    expect((await roomOf(ai.ai_uuid)).length).toBe(updates.length);
  }, 60_000);
});
