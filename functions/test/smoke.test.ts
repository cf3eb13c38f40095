import request from "supertest";
import { describe, expect, it } from "vitest";
import { ADMIN, app, HOSTING_URL, newAi } from "./support/emulator";

describe("smoke", () => {
  it("creates an AI and stores a memory", async () => {
    const ai = await newAi("Smoke");
    const created = await request(app)
      .post("/create_memory")
      .set("Authorization", ADMIN)
      .send({ ai_name: "Smoke", ai_uuid: ai.ai_uuid, memory_type: "working_memory", memory_data: "hello" });
    expect(created.status).toBe(201);
    expect(created.body.content).toBe("hello");
  });

  it("answers through the Hosting emulator", async () => {
    const response = await fetch(`${HOSTING_URL}/healthz`);
    expect(response.status).toBe(200);
  });
});
