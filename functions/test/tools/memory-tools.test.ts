import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type App, chatApp, chatAs } from "../../../test-support/chat-app";
import request from "supertest";
import { ADMIN, db, newAi } from "../../../test-support/emulator";
import type { FakeOpenAi } from "../../../test-support/fake-openai-server";
import { setSettings, storedChat, toolCallEvents, toolMessagesOf } from "./tool-fixtures";

let app: App;
let fake: FakeOpenAi;
beforeAll(async () => ({ app, fake } = await chatApp()));
afterAll(() => fake.close());

const chatRequests = (model: string) =>
  fake.requests.filter((recorded) => recorded.path.endsWith("/chat/completions") && recorded.body.model === model);
const toolNames = (body: Record<string, unknown>) =>
  ((body.tools as Array<{ function: { name: string } }>) ?? []).map((tool) => tool.function.name);

/** An AI whose model may call its memory tools. */
async function aiWithMemoryTools(settings: Record<string, unknown> = {}) {
  const ai = await newAi("Note Keeper");
  await setSettings(app, ai.ai_uuid, { memory_tools: true, ...settings });
  return ai;
}

describe("memory tools the model calls itself", () => {
  it("are off by default: the model is offered no tools", async () => {
    const ai = await newAi("Plain");
    const answer = await chatAs(app, ai, { model: "mt-off", messages: [{ role: "user", content: "hi" }] });
    expect(answer.status).toBe(200);
    expect(chatRequests("mt-off")[0].body.tools).toBeUndefined();
    expect(answer.body.memory.tool_calls).toBeUndefined();
  });

  it("a remember call creates the memory and its event, and the model's next request carries the result", async () => {
    const ai = await aiWithMemoryTools();
    fake.script("mt-remember", [
      {
        tool_calls: [
          {
            id: "call_r",
            name: "memory_remember",
            arguments: JSON.stringify({ content: "The user's cat is called Miso", tags: ["pets"], importance: 0.8 }),
          },
        ],
      },
      { content: "Noted: Miso." },
    ]);
    const answer = await chatAs(app, ai, {
      model: "mt-remember",
      messages: [{ role: "user", content: "My cat is Miso" }],
    });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body.choices[0].message.content).toBe("Noted: Miso.");
    expect(answer.body.choices[0].finish_reason).toBe("stop");

    const [report] = answer.body.memory.tool_calls;
    expect(report).toMatchObject({ id: "call_r", name: "memory_remember", status: "ok" });
    expect(report.ms).toBeGreaterThanOrEqual(0);

    const stored = await db.collection(`ai_registry/${ai.ai_uuid}/long_term_memory`).get();
    expect(stored.docs.map((doc) => doc.data())).toEqual([
      expect.objectContaining({ content: "The user's cat is called Miso", tags: ["pets"], importance: 0.8 }),
    ]);
    const created = await db
      .collection(`ai_registry/${ai.ai_uuid}/events`)
      .where("event", "==", "memory_update")
      .where("data.memory_id", "==", stored.docs[0].id)
      .get();
    expect(created.size).toBe(1);

    const [first, second] = chatRequests("mt-remember");
    expect(toolNames(first.body)).toEqual(
      expect.arrayContaining(["memory_search", "memory_remember", "memory_log", "memory_update", "memory_forget"]),
    );
    const [toolMessage] = toolMessagesOf(second.body);
    expect(toolMessage.tool_call_id).toBe("call_r");
    expect(toolMessage.content).toContain(stored.docs[0].id);
    expect(toolMessage.content).toContain("<tool_data>");

    const chat = await storedChat(answer.body.memory.stored_memory_ids[0]);
    expect(chat?.completion.memory.tool_calls).toEqual(answer.body.memory.tool_calls);
    const chats = await request(app)
      .get(`/v1/ais/${ai.ai_uuid}/sessions/${answer.body.memory.session_id}/chats`)
      .set("Authorization", ADMIN);
    expect(chats.body.chats.at(-1).tool_calls).toEqual(answer.body.memory.tool_calls);
    const events = await toolCallEvents(ai.ai_uuid);
    expect(events.map((event) => event.data)).toEqual([
      expect.objectContaining({ name: "memory_remember", status: "ok", chat_id: chat?.id }),
    ]);
  });

  it("search, log, update and forget work on the memories the model names", async () => {
    const ai = await aiWithMemoryTools();
    const first = await chatAs(app, ai, { model: "mt-seed", messages: [{ role: "user", content: "seed" }] });
    expect(first.status).toBe(200);
    const kept = await db.collection(`ai_registry/${ai.ai_uuid}/working_memory`).get();
    const id = kept.docs[0].id;
    fake.script("mt-cycle", [
      {
        tool_calls: [
          { id: "s", name: "memory_search", arguments: JSON.stringify({ query: "seed" }) },
          { id: "l", name: "memory_log", arguments: JSON.stringify({ content: "I should ask about seeds" }) },
          {
            id: "u",
            name: "memory_update",
            arguments: JSON.stringify({ memory_type: "working_memory", memory_id: id, tags: ["seen"] }),
          },
        ],
      },
      {
        tool_calls: [
          {
            id: "f",
            name: "memory_forget",
            arguments: JSON.stringify({ memory_type: "working_memory", memory_id: id }),
          },
        ],
      },
      { content: "Done." },
    ]);
    const answer = await chatAs(app, ai, { model: "mt-cycle", messages: [{ role: "user", content: "tidy up" }] });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body.memory.tool_calls.map((call: { status: string }) => call.status)).toEqual([
      "ok",
      "ok",
      "ok",
      "ok",
    ]);
    const searched = toolMessagesOf(chatRequests("mt-cycle")[1].body)[0].content;
    expect(searched).toContain(id);
    const logs = await db.collection(`ai_registry/${ai.ai_uuid}/personal_logs`).get();
    expect(logs.docs.map((doc) => doc.data().content)).toEqual(["I should ask about seeds"]);
    expect((await db.doc(`ai_registry/${ai.ai_uuid}/working_memory/${id}`).get()).exists).toBe(false);
    const history = await db.collection(`ai_registry/${ai.ai_uuid}/memory_history/${id}/versions`).get();
    expect(history.docs.map((doc) => doc.data().tags)).toContainEqual(["seen"]);
  });

  it("obey writable_types: a type the AI may not write is refused, and nothing is stored", async () => {
    const ai = await aiWithMemoryTools({ writable_types: ["personal_logs", "working_memory"] });
    fake.script("mt-policy", [
      {
        tool_calls: [
          {
            name: "memory_remember",
            arguments: JSON.stringify({ content: "a durable fact", memory_type: "long_term_memory" }),
          },
        ],
      },
      { content: "I could not." },
    ]);
    const answer = await chatAs(app, ai, { model: "mt-policy", messages: [{ role: "user", content: "remember" }] });
    expect(answer.status).toBe(200);
    expect(answer.body.memory.tool_calls[0]).toMatchObject({ status: "error" });
    expect(answer.body.memory.tool_calls[0].error).toContain("writable_types");
    expect((await db.collection(`ai_registry/${ai.ai_uuid}/long_term_memory`).get()).size).toBe(0);
  });

  it("invalid arguments from the model are refused before anything runs, and the model is told why", async () => {
    const ai = await aiWithMemoryTools();
    fake.script("mt-invalid", [
      { tool_calls: [{ name: "memory_remember", arguments: JSON.stringify({ content: "", importance: 7 }) }] },
      { tool_calls: [{ name: "memory_log", arguments: "{not json" }] },
      { content: "Sorry." },
    ]);
    const answer = await chatAs(app, ai, { model: "mt-invalid", messages: [{ role: "user", content: "x" }] });
    expect(answer.status).toBe(200);
    expect(answer.body.memory.tool_calls.map((call: { status: string }) => call.status)).toEqual([
      "invalid_arguments",
      "invalid_arguments",
    ]);
    expect(answer.body.memory.tool_calls[0].error).toContain("importance");
    expect(toolMessagesOf(chatRequests("mt-invalid")[1].body)[0].content).toContain("arguments.content");
    expect((await db.collection(`ai_registry/${ai.ai_uuid}/personal_logs`).get()).size).toBe(0);
  });

  it("a loop past its bound stops: steps rounds run tools, one more answers without them", async () => {
    const ai = await aiWithMemoryTools({ tool_steps: 2 });
    const search = { name: "memory_search", arguments: JSON.stringify({ query: "anything" }) };
    fake.script("mt-loop", [{ tool_calls: [search] }, { tool_calls: [search] }, { tool_calls: [search] }]);
    const answer = await chatAs(app, ai, { model: "mt-loop", messages: [{ role: "user", content: "loop" }] });
    expect(answer.status).toBe(200);
    const requests = chatRequests("mt-loop");
    expect(requests).toHaveLength(3);
    expect(requests[2].body.tools).toBeUndefined();
    expect(answer.body.memory.tool_calls.map((call: { status: string }) => call.status)).toEqual([
      "ok",
      "ok",
      "step_limit",
    ]);
    expect(answer.body.choices[0].message.tool_calls).toBeUndefined();
  });

  it("a caller's tool of the same name is a 400; other caller tools still pass through", async () => {
    const ai = await aiWithMemoryTools();
    const clash = await chatAs(app, ai, {
      model: "mt-clash",
      messages: [{ role: "user", content: "x" }],
      tools: [{ type: "function", function: { name: "memory_search", parameters: { type: "object" } } }],
    });
    expect(clash.status).toBe(400);
    expect(clash.body.error.param).toBe("tools");
    const through = await chatAs(app, ai, {
      model: "tool-call",
      messages: [{ role: "user", content: "weather?" }],
      tools: [{ type: "function", function: { name: "get_weather", parameters: { type: "object" } } }],
    });
    expect(through.status).toBe(200);
    expect(through.body.choices[0].message.tool_calls[0].function.name).toBe("get_weather");
    expect(through.body.choices[0].finish_reason).toBe("tool_calls");
  });
});
