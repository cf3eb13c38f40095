import { Agent, OpenAIChatCompletionsModel, RunContext, run, setTracingDisabled } from "@openai/agents";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { updateAi } from "../../functions/src/memory/registry-service";
import { db, newAi } from "../../test-support/emulator";
import { decisions } from "../../test-support/facts";
import { type FakeOpenAi, startFakeOpenAi } from "../../test-support/fake-openai-server";
import { scriptShared } from "../../test-support/fake-openai-scripts";
import { AiMemorySession, memoryTools } from "../src/openai-agents";
import { adminClient, aiClient, eventually } from "./helpers";

let fake: FakeOpenAi;
beforeAll(async () => {
  setTracingDisabled(true);
  fake = await startFakeOpenAi();
});
afterAll(() => fake.close());

/** An Agents SDK agent on the stand-in model, through the SDK's own Chat Completions model. */
const agentOn = (fakeUrl: string) =>
  new Agent({
    name: "Assistant",
    instructions: "Be brief.",
    model: new OpenAIChatCompletionsModel(new OpenAI({ baseURL: fakeUrl, apiKey: "test-key" }), "test-model"),
  });

const sentMessages = (index: number) =>
  JSON.stringify(fake.requests.filter((r) => r.path.endsWith("/chat/completions"))[index]?.body.messages);

describe("ai-memory-client/openai-agents", () => {
  it("keeps an agent's session: the second run sees the first, the console sees the exchanges, facts are extracted", async () => {
    const ai = await newAi("Agents SDK");
    const model = `agents-extract-${ai.ai_uuid}`;
    await updateAi(db, ai.ai_uuid, { settings: { extraction_model: model } });
    await scriptShared(model, [decisions({ action: "add", fact: "The user lives in Lyon." })]);
    const client = aiClient(ai);
    const session = new AiMemorySession({ client, aiUuid: ai.ai_uuid, sessionId: "thread-42" });
    const agent = agentOn(fake.url);

    const first = await run(agent, "I live in Lyon.", { session });
    expect(first.finalOutput).toBe("Echo: I live in Lyon.");
    const second = await run(agent, "Where do I live?", { session });
    expect(second.finalOutput).toBe("Echo: Where do I live?");
    expect(sentMessages(1)).toContain("I live in Lyon.");
    expect(sentMessages(1)).toContain("Echo: I live in Lyon.");

    const items = await session.getItems();
    expect(items).toHaveLength(4);
    expect(await session.getItems(1)).toEqual(items.slice(3));
    const { chats } = await client.sessions.chats(ai.ai_uuid, "thread-42");
    expect(chats.map((chat) => [chat.message, chat.response])).toEqual([
      ["I live in Lyon.", "Echo: I live in Lyon."],
      ["Where do I live?", "Echo: Where do I live?"],
    ]);
    const learnt = await eventually(
      () => client.memories.list(ai.ai_uuid, { memory_type: "long_term_memory" }),
      (page) => page.memories.length > 0,
    );
    expect(learnt.memories.map((memory) => memory.content)).toEqual(["The user lives in Lyon."]);

    expect(await session.popItem()).toEqual(items[3]);
    expect(await session.getItems()).toEqual(items.slice(0, 3));
    await session.clearSession();
    expect(await session.getItems()).toEqual([]);
    expect(await new AiMemorySession({ client, aiUuid: ai.ai_uuid }).getSessionId()).toMatch(/^agents-/);
  }, 120_000);

  it("gives the agent memory tools that search and save, as the SDK invokes them", async () => {
    const ai = await newAi("Agents tools");
    const [search, save] = memoryTools({ client: aiClient(ai), aiUuid: ai.ai_uuid });
    expect([search.name, save.name]).toEqual(["search_memory", "save_memory"]);
    const context = new RunContext();
    const saved = JSON.parse(String(await save.invoke(context, '{"content":"The user plays the cello.","tags":null}')));
    expect(saved).toMatchObject({ saved: true });
    const found = JSON.parse(String(await search.invoke(context, '{"query":"cello","limit":null}')));
    expect(found).toMatchObject([{ id: saved.id, text: "The user plays the cello." }]);
    const stored = await adminClient().memories.get(ai.ai_uuid, "long_term_memory", saved.id);
    expect(stored.content).toBe("The user plays the cello.");
  });
});
