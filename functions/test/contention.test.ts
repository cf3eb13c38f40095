import request from "supertest";
import { describe, expect, it } from "vitest";
import { app, bearer, db, type HandshakeBody, newAi } from "../../test-support/emulator";
import { createMemoryAs } from "../../test-support/memory-api";
import { memoryUpdates } from "./events/room";

/** Contention ends in a clear answer well before any platform timeout (Hosting gives up at 60 s). */
const ANSWER_BOUND_MS = 10_000;

async function timed(call: () => request.Test) {
  const started = Date.now();
  const response = await call();
  return {
    status: response.status,
    body: response.body,
    retryAfter: response.headers["retry-after"],
    ms: Date.now() - started,
  };
}

const edit =
  (ai: HandshakeBody, id: string, data: string, extra: Record<string, unknown> = {}) =>
  () =>
    request(app)
      .post("/edit_memory")
      .set("Authorization", bearer(ai))
      .send({ ai_uuid: ai.ai_uuid, memory_type: "working_memory", memory_id: id, memory_data: data, ...extra });

describe("many requests on one memory at once", () => {
  it("60 concurrent edits: each answered in time, 200 or 503 with Retry-After, and only the 200s applied", async () => {
    const ai = await newAi("Contention Edits");
    const memory = await createMemoryAs(ai, "working_memory", "v1");
    const answers = await Promise.all(
      Array.from({ length: 60 }, (_, index) => timed(edit(ai, memory.id, `edit ${index}`))),
    );
    for (const answer of answers) {
      expect([200, 503], JSON.stringify(answer.body)).toContain(answer.status);
      if (answer.status === 503) expect(answer.retryAfter).toBe("1");
      expect(answer.ms).toBeLessThan(ANSWER_BOUND_MS);
    }
    const applied = answers.filter((answer) => answer.status === 200);
    expect(applied.length).toBeGreaterThan(0);
    const stored = (await db.doc(`ai_registry/${ai.ai_uuid}/working_memory/${memory.id}`).get()).data()!;
    expect(stored.version).toBe(1 + applied.length);
    expect(applied.map((answer) => answer.body.version).sort((a, b) => a - b)).toEqual(
      applied.map((_, index) => index + 2),
    );
    expect((await memoryUpdates(ai.ai_uuid)).filter((event) => event.data.action === "updated")).toHaveLength(
      applied.length,
    );
  }, 60_000);

  it("edits that name the same expected_version: one wins, the others get a 409 to re-read", async () => {
    const ai = await newAi("Contention Versions");
    const memory = await createMemoryAs(ai, "working_memory", "v1");
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, index) => timed(edit(ai, memory.id, `edit ${index}`, { expected_version: 1 }))),
    );
    expect(answers.filter((answer) => answer.status === 200)).toHaveLength(1);
    const lost = answers.filter((answer) => answer.status === 409);
    expect(lost).toHaveLength(9);
    expect(lost[0].body.error).toMatchObject({
      code: "failed_precondition",
      details: { field: "expected_version", current_version: 2 },
    });
  });

  it("50 concurrent retries of a create with one Idempotency-Key store one memory and tell it once", async () => {
    const ai = await newAi("Contention Retries");
    const create = () =>
      request(app)
        .post("/create_memory")
        .set("Authorization", bearer(ai))
        .set("Idempotency-Key", "retry-storm")
        .send({ ai_uuid: ai.ai_uuid, memory_type: "long_term_memory", memory_data: "stored once" });
    const answers = await Promise.all(Array.from({ length: 50 }, () => timed(create)));
    for (const answer of answers) {
      expect([201, 503]).toContain(answer.status);
      expect(answer.ms).toBeLessThan(ANSWER_BOUND_MS);
    }
    const created = answers.filter((answer) => answer.status === 201);
    expect(new Set(created.map((answer) => answer.body.id)).size).toBe(1);
    expect((await db.collection(`ai_registry/${ai.ai_uuid}/long_term_memory`).get()).size).toBe(1);
    expect(await memoryUpdates(ai.ai_uuid)).toHaveLength(1);
  }, 60_000);
});
