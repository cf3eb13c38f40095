import request from "supertest";
import { describe, expect, it } from "vitest";
import { idempotentMemoryId } from "../../src/memory/memory-service";
import { MEMORY_TYPES } from "../../src/memory/memory-types";
import { app, bearer, db, type HandshakeBody, newAi } from "../../../test-support/emulator";

const create = (ai: HandshakeBody, key: string, content: string) =>
  request(app)
    .post(`/v1/ais/${ai.ai_uuid}/memories/working_memory`)
    .set("Authorization", bearer(ai))
    .set("Idempotency-Key", key)
    .send({ content });

/** What Firestore's TTL policy does a day later: the key's record goes. */
const expireRecord = (ai: HandshakeBody, key: string) =>
  db.doc(`ai_registry/${ai.ai_uuid}/idempotency_keys/${idempotentMemoryId(ai.ai_uuid, key)}`).delete();

async function copiesOf(ai: HandshakeBody, id: string): Promise<string[]> {
  const found = await Promise.all(
    MEMORY_TYPES.map(async (type) =>
      (await db.doc(`ai_registry/${ai.ai_uuid}/${type}/${id}`).get()).exists ? type : null,
    ),
  );
  return found.filter((type) => type !== null);
}

describe("an Idempotency-Key reused after its record expired", () => {
  it("is a 409 naming the header while its memory is where it was made (not a 500)", async () => {
    const ai = await newAi("Expired key");
    const first = await create(ai, "day-old", "Booked the train");
    expect(first.status).toBe(201);
    await expireRecord(ai, "day-old");
    const reused = await create(ai, "day-old", "Booked the train");
    expect(reused.status).toBe(409);
    expect(reused.body.error).toMatchObject({
      code: "failed_precondition",
      details: { field: "Idempotency-Key", memory_id: first.body.id },
    });
    expect(await copiesOf(ai, first.body.id)).toEqual(["working_memory"]);
  });

  it("is a 409 after the memory moved, and never makes a second memory with the same id", async () => {
    const ai = await newAi("Expired key moved");
    const first = await create(ai, "moved-on", "Prefers tea");
    await request(app)
      .post(`/v1/ais/${ai.ai_uuid}/memories/working_memory/${first.body.id}/move`)
      .set("Authorization", bearer(ai))
      .send({ to_memory_type: "long_term_memory" })
      .expect(200);
    await expireRecord(ai, "moved-on");
    const reused = await create(ai, "moved-on", "Prefers tea");
    expect(reused.status).toBe(409);
    expect(await copiesOf(ai, first.body.id)).toEqual(["long_term_memory"]);
  });
});
