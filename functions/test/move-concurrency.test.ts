import request from "supertest";
import { describe, expect, it } from "vitest";
import { MEMORY_TYPES } from "../src/memory/memory-types";
import { app, bearer, db, newAi } from "../../test-support/emulator";
import { createMemoryAs } from "../../test-support/memory-api";

describe("moves and edits of one memory, all at once", () => {
  it("leave exactly one copy and lose no version", async () => {
    const ai = await newAi("Contended");
    const memory = await createMemoryAs(ai, "working_memory", "v1");
    const calls = Array.from({ length: 20 }, (_, i) => {
      if (i % 2 === 0) {
        // Each mover tries every route between types; only moves from where the memory is succeed.
        const from = MEMORY_TYPES[(i / 2) % 4];
        const to = MEMORY_TYPES[(i / 2 + 1) % 4];
        return request(app)
          .post("/move_memory")
          .set("Authorization", bearer(ai))
          .send({ ai_uuid: ai.ai_uuid, from_memory_type: from, to_memory_type: to, document_id: memory.id })
          .then((response) => ({ kind: "move", status: response.status, body: response.body }));
      }
      return request(app)
        .post("/edit_memory")
        .set("Authorization", bearer(ai))
        .send({ ai_uuid: ai.ai_uuid, memory_type: "working_memory", memory_id: memory.id, memory_data: `edit ${i}` })
        .then((response) => ({ kind: "edit", status: response.status, body: response.body }));
    });
    const results = await Promise.all(calls);
    for (const result of results) expect([200, 404, 409], JSON.stringify(result)).toContain(result.status);

    const copies = (
      await Promise.all(MEMORY_TYPES.map((type) => db.doc(`ai_registry/${ai.ai_uuid}/${type}/${memory.id}`).get()))
    ).filter((snapshot) => snapshot.exists);
    expect(copies).toHaveLength(1);

    const successfulEdits = results.filter((r) => r.kind === "edit" && r.status === 200);
    const final = copies[0].data()!;
    expect(final.version).toBe(1 + successfulEdits.length);
    const history = await db.collection(`ai_registry/${ai.ai_uuid}/memory_history/${memory.id}/versions`).get();
    expect(history.size).toBe(successfulEdits.length);
    const acknowledgedVersions = successfulEdits.map((r) => r.body.version).sort((x, y) => x - y);
    expect(acknowledgedVersions).toEqual(Array.from({ length: successfulEdits.length }, (_, k) => k + 2));
  });
});
