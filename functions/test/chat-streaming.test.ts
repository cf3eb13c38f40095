import OpenAI from "openai";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chatServer, NOTHING_STORED, storedFor } from "./support/chat-app";
import { ADMIN, app as emulatorApp, HOSTING_URL, newAi } from "./support/emulator";
import type { FakeOpenAi } from "./support/fake-openai-server";

type MemoryChunk = { memory?: { session_id: string; context_memory_ids: string[]; stored_memory_ids: string[] } };

let fake: FakeOpenAi;
let localUrl: string;
let close: () => Promise<void>;
beforeAll(async () => {
  let url: string;
  ({ fake, url, close } = await chatServer());
  localUrl = `${url}/v1`;
});
afterAll(() => close());

async function collect(client: OpenAI, content: string, headers: Record<string, string> = {}) {
  const stream = await client.chat.completions.create({ model: "test-model", stream: true, messages: [{ role: "user", content }] }, { headers });
  let text = "";
  let memory: MemoryChunk["memory"];
  for await (const chunk of stream) {
    text += chunk.choices[0]?.delta?.content ?? "";
    memory ??= (chunk as MemoryChunk).memory;
  }
  return { text, memory };
}

describe.each([
  ["an in-process server", () => localUrl],
  ["the Hosting emulator (the deployed function)", () => `${HOSTING_URL}/v1`],
])("the unchanged openai client against %s", (_name, baseURL) => {
  it("streams the answer and then the memory report, and stores the exchange", async () => {
    const ai = await newAi("Streamer");
    const client = new OpenAI({ baseURL: baseURL(), apiKey: ai.tokens.ai_token, maxRetries: 0, timeout: 20_000 });
    const { text, memory } = await collect(client, "I keep bees in my garden");
    expect(text).toBe("Echo: I keep bees in my garden");
    expect(memory?.stored_memory_ids).toHaveLength(1);
    const chats = await request(emulatorApp).get(`/v1/sessions/${memory!.session_id}/chats`).set("Authorization", ADMIN);
    expect(chats.body.chats[0]).toMatchObject({ message: "I keep bees in my garden", response: "Echo: I keep bees in my garden" });

    // Plain, in a new session: the fact comes back as context.
    const plain = await client.chat.completions.create({ model: "test-model", messages: [{ role: "user", content: "What do I keep in my garden?" }] });
    expect(plain.choices[0].message.content).toBe("Echo: What do I keep in my garden?");
    expect((plain as unknown as MemoryChunk).memory?.context_memory_ids).toContain(memory!.stored_memory_ids[0]);
  });

  it("raises the SDK's error classes on failures", async () => {
    const ai = await newAi("StreamErrors");
    const client = new OpenAI({ baseURL: baseURL(), apiKey: ai.tokens.ai_token, maxRetries: 0, timeout: 20_000 });
    await expect(client.chat.completions.create({ model: "fail-500", messages: [{ role: "user", content: "x" }] })).rejects.toMatchObject({ status: 502 });
    const forged = new OpenAI({ baseURL: baseURL(), apiKey: "forged", maxRetries: 0 });
    await expect(forged.chat.completions.create({ model: "test-model", messages: [{ role: "user", content: "x" }] })).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    const cut = await client.chat.completions.create({ model: "cut-stream", stream: true, messages: [{ role: "user", content: "a long story please" }] });
    await expect((async () => { for await (const _chunk of cut) { /* drain */ } })()).rejects.toThrow(/language model/);
    expect(await storedFor(ai.ai_uuid)).toEqual(NOTHING_STORED);
  });
});

describe("the shared stand-in model", () => {
  it("is the one the Functions emulator calls", async () => {
    const ai = await newAi("Shared");
    const client = new OpenAI({ baseURL: `${HOSTING_URL}/v1`, apiKey: ai.tokens.ai_token, maxRetries: 0 });
    const marker = `shared-${Date.now()}`;
    await client.chat.completions.create({ model: "test-model", messages: [{ role: "user", content: marker }] });
    const { sharedRequests } = await import("./support/fake-openai-server");
    expect((await sharedRequests()).some((recorded) => JSON.stringify(recorded.body).includes(marker))).toBe(true);
  });
});
