import request from "supertest";
import { describe, expect, it } from "vitest";
import { app, bearer, newAi } from "../../test-support/emulator";
import { countIn } from "../../test-support/memory-api";

describe("Idempotency-Key on memory creation", () => {
  it("answers a retry with the first memory and stores it once, even after a move", async () => {
    const ai = await newAi("Retrier");
    const send = (memoryData: unknown) =>
      request(app)
        .post("/create_memory")
        .set("Authorization", bearer(ai))
        .set("Idempotency-Key", "retry-42")
        .send({ ai_uuid: ai.ai_uuid, memory_type: "working_memory", memory_data: memoryData });
    const first = await send("Booked the train for Monday");
    expect(first.status).toBe(201);
    expect(first.header["idempotent-replayed"]).toBe("false");
    const retry = await send("Booked the train for Monday");
    expect(retry.status).toBe(201);
    expect(retry.header["idempotent-replayed"]).toBe("true");
    expect(retry.body.id).toBe(first.body.id);
    expect(await countIn(ai.ai_uuid, "working_memory")).toBe(1);

    await request(app).post("/move_memory").set("Authorization", bearer(ai)).send({
      ai_uuid: ai.ai_uuid,
      from_memory_type: "working_memory",
      to_memory_type: "archive",
      document_id: first.body.id,
    });
    const late = await send("Booked the train for Monday");
    expect(late.body).toMatchObject({ id: first.body.id, memory_type: "archive" });
    expect(await countIn(ai.ai_uuid, "working_memory")).toBe(0);

    const reused = await send("Something else entirely");
    expect(reused.status).toBe(409);
    expect(reused.body.error.message).toContain("Idempotency-Key");
  });

  it("makes concurrent retries store one memory", async () => {
    const ai = await newAi("Concurrent retrier");
    const responses = await Promise.all(
      Array.from({ length: 5 }, () =>
        request(app)
          .post(`/v1/ais/${ai.ai_uuid}/memories/long_term_memory`)
          .set("Authorization", bearer(ai))
          .set("Idempotency-Key", "same-request")
          .send({ content: "Allergic to peanuts" }),
      ),
    );
    expect(new Set(responses.map((response) => response.body.id)).size).toBe(1);
    expect(responses.every((response) => response.status === 201)).toBe(true);
    expect(await countIn(ai.ai_uuid, "long_term_memory")).toBe(1);
  });
});
