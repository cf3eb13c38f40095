import request from "supertest";
import { expect } from "vitest";
import { app, bearer, db, type HandshakeBody } from "./emulator";

/** Seed-route calls made as the AI itself, checked for success. */
export async function createMemoryAs(ai: HandshakeBody, memoryType: string, memoryData: unknown) {
  const response = await request(app)
    .post("/create_memory")
    .set("Authorization", bearer(ai))
    .send({ ai_name: ai.ai_name, ai_uuid: ai.ai_uuid, memory_type: memoryType, memory_data: memoryData });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body as { id: string; version: number; created_at: string; content: unknown };
}

export async function retrieveAs(ai: HandshakeBody, body: Record<string, unknown>) {
  const response = await request(app)
    .post("/retrieve_memories")
    .set("Authorization", bearer(ai))
    .send({ ai_uuid: ai.ai_uuid, ...body });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body as {
    memories: Array<{ id: string; content: unknown; tags: string[] }>;
    next_cursor: string | null;
  };
}

/** How many memories of one type an AI holds, counted in Firestore. */
export const countIn = async (aiUuid: string, type: string) =>
  (await db.collection(`ai_registry/${aiUuid}/${type}`).count().get()).data().count;
