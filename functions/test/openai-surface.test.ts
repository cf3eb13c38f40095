import OpenAI from "openai";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chatServer, systemPromptOf } from "./support/chat-app";
import { ADMIN, type HandshakeBody, newAi } from "./support/emulator";
import type { FakeOpenAi } from "./support/fake-openai-server";

/** The unchanged `openai` package against the API: what a user of any OpenAI SDK sees. */

type WithMemory = { memory: { session_id: string; context_memory_ids: string[]; stored_memory_ids: string[] } };

let fake: FakeOpenAi;
let url: string;
let close: () => Promise<void>;
let baseURL: string;
beforeAll(async () => {
  ({ fake, url, close } = await chatServer({ timeoutMs: 3000 }));
  baseURL = `${url}/v1`;
});
afterAll(() => close());

const clientOf = (ai: HandshakeBody, options: { maxRetries?: number } = {}) =>
  new OpenAI({ baseURL, apiKey: ai.tokens.ai_token, maxRetries: options.maxRetries ?? 0, timeout: 20_000 });
const sentWith = (marker: string) => [...fake.requests].reverse().find((recorded) => JSON.stringify(recorded.body).includes(marker))!.body;
const say = async (client: OpenAI, content: string, sessionId?: string) =>
  (await client.chat.completions.create(
    { model: "test-model", messages: [{ role: "user", content }] },
    sessionId ? { headers: { "X-Session-Id": sessionId } } : {},
  )) as OpenAI.ChatCompletion & WithMemory;

describe("sessions named by the caller (X-Session-Id)", () => {
  it("starts a session on its first message, continues it after, and keeps each AI's apart", async () => {
    const [one, two] = await Promise.all([newAi("ThreadOne"), newAi("ThreadTwo")]);
    const thread = `thread-${Date.now()}`;
    const first = await say(clientOf(one), "Our launch is on the 9th. q1", thread);
    expect(first.memory.session_id).toBe(thread);
    await say(clientOf(one), "When is the launch? q2", thread);
    expect(systemPromptOf(sentWith("q2"))).toContain("Our launch is on the 9th");

    // The other AI's same id is its own new session: none of the first AI's turns reach its model.
    const other = await say(clientOf(two), "What do you know? q3", thread);
    expect(other.memory.session_id).toBe(thread);
    expect(systemPromptOf(sentWith("q3"))).not.toContain("launch");

    const chatsOf = (ai: HandshakeBody) =>
      request(url).get(`/v1/sessions/${thread}/chats`).set("Authorization", `Bearer ${ai.tokens.ai_token}`);
    expect((await chatsOf(one)).body.chats.map((chat: { message: string }) => chat.message)).toEqual(["Our launch is on the 9th. q1", "When is the launch? q2"]);
    expect((await chatsOf(two)).body.session.message_count).toBe(1);
    // The admin must say which AI's session it means when two share the id.
    const ambiguous = await request(url).get(`/v1/sessions/${thread}/chats`).set("Authorization", ADMIN);
    expect(ambiguous.status).toBe(409);
    const scoped = await request(url).get(`/v1/ais/${two.ai_uuid}/sessions/${thread}/chats`).set("Authorization", ADMIN);
    expect(scoped.body.chats).toHaveLength(1);
  });

  it("keeps server-made session ids working", async () => {
    const ai = await newAi("Made");
    const fresh = await say(clientOf(ai), "A new session r1");
    const next = await say(clientOf(ai), "Still there? r2", fresh.memory.session_id);
    expect(next.memory.session_id).toBe(fresh.memory.session_id);
    expect(systemPromptOf(sentWith("r2"))).toContain("A new session r1");
    const handshakeSession = await say(clientOf(ai), "In the handshake's session r3", ai.session.session_id);
    expect(handshakeSession.memory.session_id).toBe(ai.session.session_id);
  });
});

describe("GET /v1/models", () => {
  it("lists the AI's model first, then what the model server lists; retrieves one", async () => {
    const ai = await newAi("Models");
    await request(url).patch(`/v1/ais/${ai.ai_uuid}`).set("Authorization", ADMIN).send({ settings: { model: "my-tuned-model" } });
    const client = clientOf(ai);
    const ids = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toEqual(["my-tuned-model", "test-model", "fake-large"]);
    expect(await client.models.retrieve("fake-large")).toMatchObject({ id: "fake-large", object: "model" });
    await expect(client.models.retrieve("nope")).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    await expect(new OpenAI({ baseURL, apiKey: "forged", maxRetries: 0 }).models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
  });
});

describe("OpenAI request fields: passed through, or refused by name", () => {
  it("answers n choices with logprobs, and forwards store, metadata, reasoning_effort and structured output", async () => {
    const ai = await newAi("Fields");
    const answer = (await clientOf(ai).chat.completions.create({
      model: "test-model",
      messages: [{ role: "user", content: "two please f1" }],
      n: 2,
      logprobs: true,
      top_logprobs: 2,
      store: true,
      metadata: { project: "demo" },
      reasoning_effort: "low",
    })) as OpenAI.ChatCompletion & WithMemory;
    expect(answer.choices.map((choice) => choice.message.content)).toEqual(["Echo: two please f1", "Echo: two please f1 (2)"]);
    expect(answer.choices[0].logprobs?.content?.[0].token).toBe("Echo: ");
    expect(sentWith("f1")).toMatchObject({ n: 2, logprobs: true, top_logprobs: 2, store: true, metadata: { project: "demo" }, reasoning_effort: "low" });

    const schema = { type: "object", properties: { city: { type: "string" }, days: { type: "integer" } }, required: ["city", "days"] };
    const structured = await clientOf(ai).chat.completions.create({
      model: "test-model",
      messages: [{ role: "user", content: "plan f2" }],
      response_format: { type: "json_schema", json_schema: { name: "plan", schema } },
    });
    expect(JSON.parse(structured.choices[0].message.content!)).toEqual({ city: "Echo: plan f2", days: 42 });
  });

  it("refuses audio output with a 400 naming modalities, and passes the model's own 400 through unretried", async () => {
    const ai = await newAi("Refusals");
    const client = clientOf(ai, { maxRetries: 2 });
    const audio = client.chat.completions.create({ model: "test-model", messages: [{ role: "user", content: "sing" }], modalities: ["audio"] });
    await expect(audio).rejects.toMatchObject({ status: 400, param: "modalities.0" });
    const calls = fake.requests.length;
    const refused = client.chat.completions.create({ model: "fail-400", messages: [{ role: "user", content: "bad" }] });
    await expect(refused).rejects.toBeInstanceOf(OpenAI.BadRequestError);
    expect(fake.requests.length - calls).toBe(1);
    const limited = clientOf(ai).chat.completions.create({ model: "ratelimit-30", messages: [{ role: "user", content: "fast" }] });
    await expect(limited).rejects.toBeInstanceOf(OpenAI.RateLimitError);
    await limited.catch((error: InstanceType<typeof OpenAI.RateLimitError>) => expect(error.headers.get("retry-after")).toBe("30"));
  });

  it("asks a stream's usage only of a server that takes stream_options", async () => {
    const ai = await newAi("Compat");
    const stream = await clientOf(ai).chat.completions.create({ model: "no-stream-options", stream: true, messages: [{ role: "user", content: "compat s1" }] });
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? "";
    expect(text).toBe("Echo: compat s1");
    const sent = fake.requests.filter((recorded) => JSON.stringify(recorded.body).includes("compat s1")).map((recorded) => recorded.body.stream_options);
    expect(sent).toEqual([{ include_usage: true }, undefined]);
  });
});
