import { describe, expect, it } from "vitest";
import { newAi } from "../../functions/test/support/emulator";
import {
  AiMemory,
  AiMemoryError,
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  InternalServerError,
  NotFoundError,
  PayloadTooLargeError,
  PermissionDeniedError,
  RateLimitError,
  ServiceUnavailableError,
  UpstreamError,
  UpstreamTimeoutError,
} from "../src";
import { adminClient, aiClient } from "./helpers";

const answering = (status: number, body: unknown) =>
  (async () => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } })) as typeof fetch;

describe("AiMemory (HTTP)", () => {
  it("sends the bearer and JSON through an injected fetch", async () => {
    const calls: Array<{ url: string; init: RequestInit }> = [];
    const fetchSpy = (async (url: string, init: RequestInit) => {
      calls.push({ url, init });
      return new Response(JSON.stringify({ memories: [], next_cursor: null }), { status: 200 });
    }) as unknown as typeof fetch;
    const client = new AiMemory({ baseURL: "http://api.test/", apiKey: "k-123", fetch: fetchSpy });
    const result = await client.memories.retrieve({ ai_uuid: "u", memory_type: "archive", limit: 2 });
    expect(result).toEqual({ memories: [], next_cursor: null });
    expect(calls[0].url).toBe("http://api.test/retrieve_memories");
    expect(calls[0].init.method).toBe("POST");
    expect((calls[0].init.headers as Record<string, string>).authorization).toBe("Bearer k-123");
    expect(JSON.parse(String(calls[0].init.body))).toEqual({ ai_uuid: "u", memory_type: "archive", limit: 2 });
  });

  it("reads AI_MEMORY_BASE_URL and AI_MEMORY_API_KEY when no options are given", () => {
    const saved = { ...process.env };
    process.env.AI_MEMORY_BASE_URL = "http://from-env.test";
    process.env.AI_MEMORY_API_KEY = "env-key";
    try {
      const client = new AiMemory();
      expect([client.baseURL, client.apiKey]).toEqual(["http://from-env.test", "env-key"]);
      delete process.env.AI_MEMORY_BASE_URL;
      expect(() => new AiMemory()).toThrow(AiMemoryError);
    } finally {
      process.env = saved;
    }
  });

  it("throws one error class per status, carrying the API's code, message and details", async () => {
    const classes = [
      [400, BadRequestError], [401, AuthenticationError], [403, PermissionDeniedError], [404, NotFoundError],
      [409, ConflictError], [413, PayloadTooLargeError], [429, RateLimitError], [500, InternalServerError],
      [502, UpstreamError], [503, ServiceUnavailableError], [504, UpstreamTimeoutError], [507, InternalServerError],
    ] as const;
    for (const [status, ErrorClass] of classes) {
      const client = new AiMemory({ baseURL: "http://api.test", maxRetries: 0, fetch: answering(status, { error: { code: "c", message: "m", details: { status } } }) });
      const error = await client.request("GET", "/x").catch((caught: unknown) => caught);
      expect(error, String(status)).toBeInstanceOf(ErrorClass);
      expect(error).toBeInstanceOf(APIError);
      expect(error).toMatchObject({ status, code: "c", message: "m", details: { status } });
    }
  });

  it("tells a failed connection and a timeout apart from an answer", async () => {
    const refused = new AiMemory({ baseURL: "http://127.0.0.1:1", maxRetries: 0 });
    await expect(refused.request("GET", "/healthz")).rejects.toBeInstanceOf(APIConnectionError);
    const hanging = (async (_url: string, init: RequestInit) =>
      new Promise((_resolve, reject) => init.signal?.addEventListener("abort", () => reject(new Error("aborted"))))) as unknown as typeof fetch;
    const slow = new AiMemory({ baseURL: "http://api.test", fetch: hanging, timeoutMs: 50, maxRetries: 0 });
    await expect(slow.request("GET", "/x")).rejects.toBeInstanceOf(APIConnectionTimeoutError);
  });

  it("maps the real API's errors: bad key, unknown memory, another AI's room, reserved event, oversized data", async () => {
    const [ai, other] = await Promise.all([newAi("SDK Errors"), newAi("SDK Other")]);
    const api = aiClient(ai);
    await expect(adminClient().withOptions({ apiKey: "wrong" }).relay.join()).rejects.toBeInstanceOf(AuthenticationError);
    const missing = api.memories.get(ai.ai_uuid, "archive", "no-such-memory");
    await expect(missing).rejects.toBeInstanceOf(NotFoundError);
    await expect(api.relay.join({ ai_uuid: other.ai_uuid })).rejects.toBeInstanceOf(PermissionDeniedError);
    await expect(api.relay.emit({ event: "memory_update", data: {} })).rejects.toBeInstanceOf(BadRequestError);
    await expect(api.relay.emit({ event: "message", data: "x".repeat(17_000) })).rejects.toBeInstanceOf(PayloadTooLargeError);
  });

  it("runs the seed routes for an AI", async () => {
    const ai = await newAi("SDK Memories");
    const api = aiClient(ai);
    const who = { ai_uuid: ai.ai_uuid, ai_name: ai.ai_name };
    const created = await api.memories.create({ ...who, memory_type: "working_memory", memory_data: { content: "typed", tags: ["sdk"] } });
    expect(created).toMatchObject({ memory_type: "working_memory", content: "typed", tags: ["sdk"], version: 1 });
    const edited = await api.memories.edit({ ...who, memory_type: "working_memory", memory_id: created.id, memory_data: "retyped" });
    expect(edited.version).toBe(2);
    const moved = await api.memories.move({ ...who, from_memory_type: "working_memory", to_memory_type: "archive", document_id: created.id });
    expect(moved).toMatchObject({ id: created.id, memory_type: "archive", moved_from: "working_memory" });
    expect((await api.memories.retrieve({ ...who, memory_type: "archive" })).memories.map((memory) => memory.id)).toEqual([created.id]);
    expect(await api.memories.delete({ ...who, memory_type: "archive", memory_id: created.id })).toMatchObject({ deleted: true, memory_id: created.id });
    const resumed = await api.handshake({ ai_uuid: ai.ai_uuid });
    expect(resumed.tokens.firebase_custom_token).toEqual(expect.any(String));
  });

  it("creates and lists sessions, chats in one, and reads its log", async () => {
    const ai = await newAi("SDK Sessions");
    const api = aiClient(ai);
    const session = await api.sessions.create(ai.ai_uuid, { name: "planning" });
    expect(session).toMatchObject({ name: "planning", ai_uuid: ai.ai_uuid });
    const listed = await api.sessions.list(ai.ai_uuid);
    expect(listed.sessions.map((s) => s.session_id)).toEqual(expect.arrayContaining([session.session_id, ai.session.session_id]));
    const answer = await api.chat.completions.create({
      model: "test-model",
      session_id: session.session_id,
      messages: [{ role: "user", content: "Remember that the launch is on Friday." }],
    });
    expect(answer.memory).toMatchObject({ session_id: session.session_id });
    const log = await api.sessions.chats(ai.ai_uuid, session.session_id);
    expect(log.chats.map((chat) => chat.message)).toEqual(["Remember that the launch is on Friday."]);
  });
});
