import { logger } from "firebase-functions/logger";
import OpenAI from "openai";
import request from "supertest";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { type App, chatAs, chatServer } from "../../../test-support/chat-app";
import { ADMIN, db, type HandshakeBody, newAi } from "../../../test-support/emulator";
import type { FakeOpenAi } from "../../../test-support/fake-openai-server";
import {
  putSecret,
  putTool,
  sendJson,
  storedChat,
  type ToolServer,
  toolCallEvents,
  toolMessagesOf,
  toolServer,
} from "./tool-fixtures";

const SECRET = "sk-weather-9f8e7d6c5b4a";

let app: App;
let fake: FakeOpenAi;
let baseUrl: string;
let closeChat: () => Promise<void>;
let api: ToolServer;
/** Everything the backend logged during a test (every line goes through the functions logger). */
let written = "";

beforeAll(async () => {
  ({ app, fake, url: baseUrl, close: closeChat } = await chatServer());
  api = await toolServer(async (req, res, body) => {
    if (req.url?.startsWith("/weather")) {
      // An API that echoes the key it was sent: the key must still reach no one else.
      return sendJson(res, 200, { city: JSON.parse(body).city, temperature_c: 21, key_seen: req.headers["x-api-key"] });
    }
    if (req.url === "/fail") return sendJson(res, 500, { error: "boom" });
    if (req.url === "/hang") return; // never answers
    sendJson(res, 404, {});
  });
});
afterAll(async () => {
  await api.close();
  await closeChat();
});
beforeEach(() => {
  written = "";
  for (const method of ["log", "info", "warn", "error", "debug", "write"] as const) {
    const original = logger[method];
    vi.spyOn(logger, method).mockImplementation((...args: unknown[]) => {
      written += JSON.stringify(args);
      (original as (...all: unknown[]) => void)(...args);
    });
  }
});
afterEach(() => {
  vi.restoreAllMocks();
});

const weatherTool = (path = "/weather", extra: Record<string, unknown> = {}) => ({
  description: "The weather now in a city",
  parameters: {
    type: "object",
    properties: { city: { type: "string", minLength: 1 } },
    required: ["city"],
    additionalProperties: false,
  },
  http: { url: `${api.url}${path}`, method: "POST", headers: { "X-Api-Key": "{{secret:WEATHER_KEY}}" }, ...extra },
});

async function aiWithWeather(path?: string, extra?: Record<string, unknown>): Promise<HandshakeBody> {
  const ai = await newAi("Forecaster");
  await putSecret(app, ai.ai_uuid, "WEATHER_KEY", SECRET);
  await putTool(app, ai.ai_uuid, "weather", weatherTool(path, extra));
  return ai;
}

const modelRequests = (model: string) =>
  fake.requests.filter((recorded) => recorded.path.endsWith("/chat/completions") && recorded.body.model === model);

const callWeather = (model: string, args: unknown, answer = "It is 21 degrees.", streams = false) =>
  fake.script(model, [
    { tool_calls: [{ id: "w1", name: "weather", arguments: JSON.stringify(args) }] },
    { content: answer, streams },
  ]);

describe("an HTTP tool", () => {
  it("receives validated arguments and its secret header; its answer reaches the model, the secret nowhere else", async () => {
    const ai = await aiWithWeather();
    const before = api.requests.length;
    callWeather("http-ok", { city: "Paris" });
    const answer = await chatAs(app, ai, { model: "http-ok", messages: [{ role: "user", content: "Weather?" }] });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body.choices[0].message.content).toBe("It is 21 degrees.");
    expect(answer.body.memory.tool_calls).toEqual([
      expect.objectContaining({ name: "weather", arguments: '{"city":"Paris"}', status: "ok" }),
    ]);

    const [sent] = api.requests.slice(before);
    expect(JSON.parse(sent.body)).toEqual({ city: "Paris" });
    expect(sent.headers["x-api-key"]).toBe(SECRET);
    expect(sent.headers["content-type"]).toBe("application/json");

    const toolMessage = toolMessagesOf(modelRequests("http-ok")[1].body)[0].content;
    expect(toolMessage).toContain('"temperature_c":21');
    expect(toolMessage).toContain("[secret]");

    const tool = await request(app).get(`/v1/ais/${ai.ai_uuid}/tools/weather`).set("Authorization", ADMIN);
    expect(tool.body.http.headers).toEqual({ "X-Api-Key": "{{secret:WEATHER_KEY}}" });
    const list = await request(app).get(`/v1/ais/${ai.ai_uuid}/tools`).set("Authorization", ADMIN);
    expect(list.body.recent_calls[0]).toMatchObject({ name: "weather", status: "ok" });
    const stored = await db.collection(`ai_registry/${ai.ai_uuid}/tool_secrets`).get();
    const chat = await storedChat(answer.body.memory.stored_memory_ids[0]);
    const events = await toolCallEvents(ai.ai_uuid);
    for (const place of [answer.body, tool.body, list.body, chat, events, stored.docs.map((doc) => doc.data())])
      expect(JSON.stringify(place)).not.toContain(SECRET);
    expect(written).not.toContain(SECRET);
  });

  it("invalid arguments from the model never reach the API; the model is told what is wrong", async () => {
    const ai = await aiWithWeather();
    const before = api.requests.length;
    callWeather("http-invalid", { city: 5, country: "FR" }, "Sorry.");
    const answer = await chatAs(app, ai, { model: "http-invalid", messages: [{ role: "user", content: "Weather?" }] });
    expect(answer.status).toBe(200);
    expect(answer.body.memory.tool_calls[0]).toMatchObject({ status: "invalid_arguments" });
    expect(api.requests.length).toBe(before);
    const told = toolMessagesOf(modelRequests("http-invalid")[1].body)[0].content;
    expect(told).toContain("/city must be string");
    expect(told).toContain("additional properties");
  });

  it("a hanging tool is cut at its timeout and the model is told; the chat answers", async () => {
    const ai = await aiWithWeather("/hang", { timeout_ms: 300 });
    callWeather("http-hang", { city: "Oslo" }, "The weather service is slow.");
    const started = Date.now();
    const answer = await chatAs(app, ai, { model: "http-hang", messages: [{ role: "user", content: "Weather?" }] });
    expect(answer.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(answer.body.memory.tool_calls[0]).toMatchObject({ status: "timeout" });
    expect(answer.body.memory.tool_calls[0].ms).toBeGreaterThanOrEqual(290);
    expect(toolMessagesOf(modelRequests("http-hang")[1].body)[0].content).toContain("did not answer within 300 ms");
  });

  it("a failing tool never fails the chat", async () => {
    const ai = await aiWithWeather("/fail");
    callWeather("http-fail", { city: "Rome" }, "The weather service is down.");
    const answer = await chatAs(app, ai, { model: "http-fail", messages: [{ role: "user", content: "Weather?" }] });
    expect(answer.status).toBe(200);
    expect(answer.body.choices[0].message.content).toBe("The weather service is down.");
    expect(answer.body.memory.tool_calls[0]).toMatchObject({ status: "error" });
    expect(answer.body.memory.tool_calls[0].error).toContain("HTTP 500");
  });

  it("a tool whose secret is missing is left out of the turn and logged by name only", async () => {
    const ai = await newAi("Forgetful");
    await putTool(app, ai.ai_uuid, "weather", weatherTool());
    const answer = await chatAs(app, ai, { model: "http-nosecret", messages: [{ role: "user", content: "hi" }] });
    expect(answer.status).toBe(200);
    expect(modelRequests("http-nosecret")[0].body.tools).toBeUndefined();
    expect(written).toContain("secret WEATHER_KEY is not set");
  });

  it("streamed and plain answers agree: same text, same tool calls, and the stream hides the server's calls", async () => {
    const ai = await aiWithWeather();
    callWeather("http-agree", { city: "Lima" }, "Sunny in Lima.");
    const plain = await chatAs(app, ai, { model: "http-agree", messages: [{ role: "user", content: "Weather?" }] });
    callWeather("http-agree", { city: "Lima" }, "Sunny in Lima.", true);
    const client = new OpenAI({ baseURL: `${baseUrl}/v1`, apiKey: ai.tokens.ai_token, maxRetries: 0 });
    const stream = await client.chat.completions.create({
      model: "http-agree",
      stream: true,
      messages: [{ role: "user", content: "Weather?" }],
    });
    let text = "";
    let memory: { tool_calls: Array<{ name: string; status: string; arguments: string }> } | undefined;
    const finishes: string[] = [];
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? "";
      expect(chunk.choices[0]?.delta?.tool_calls).toBeUndefined();
      if (chunk.choices[0]?.finish_reason) finishes.push(chunk.choices[0].finish_reason);
      memory ??= (chunk as unknown as { memory?: typeof memory }).memory;
    }
    expect(text).toBe(plain.body.choices[0].message.content);
    expect(finishes).toEqual(["stop"]);
    const shape = (calls: Array<{ name: string; status: string; arguments: string }>) =>
      calls.map(({ name, status, arguments: args }) => ({ name, status, args }));
    expect(shape(memory?.tool_calls ?? [])).toEqual(shape(plain.body.memory.tool_calls));
    expect(modelRequests("http-agree")).toHaveLength(4);
  });
});
