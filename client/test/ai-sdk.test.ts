import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { generateText, stepCountIs, streamText, wrapLanguageModel } from "ai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newAi } from "../../test-support/emulator";
import { type FakeOpenAi, startFakeOpenAi } from "../../test-support/fake-openai-server";
import { memoryMiddleware, memoryTools } from "../src/ai-sdk";
import { aiClient } from "./helpers";

let fake: FakeOpenAi;
beforeAll(async () => {
  fake = await startFakeOpenAi();
});
afterAll(() => fake.close());

const chatRequests = () => fake.requests.filter((r) => r.path.endsWith("/chat/completions"));

describe("ai-memory-client/ai-sdk", () => {
  it("puts the AI's memories in front of generateText and streamText, and stores each exchange", async () => {
    const ai = await newAi("AI SDK");
    const client = aiClient(ai);
    await client.memories.create({
      ai_uuid: ai.ai_uuid,
      memory_type: "long_term_memory",
      memory_data: "The user's cat is called Miso.",
    });
    const provider = createOpenAICompatible({ name: "stand-in", baseURL: fake.url, apiKey: "test-key" });
    const model = wrapLanguageModel({
      model: provider.chatModel("test-model"),
      middleware: memoryMiddleware({ client, aiUuid: ai.ai_uuid, sessionId: "chat-7" }),
    });

    const before = chatRequests().length;
    const plain = await generateText({ model, system: "Be brief.", prompt: "What is my cat called?" });
    expect(plain.text).toBe("Echo: What is my cat called?");
    const sent = chatRequests()[before].body.messages as Array<{ role: string; content: string }>;
    expect(sent.map((message) => message.role)).toEqual(["system", "system", "user"]);
    expect(sent[1].content).toContain("The user's cat is called Miso.");

    const streamed = streamText({ model, prompt: "Tell me about my cat" });
    expect(await streamed.text).toBe("Echo: Tell me about my cat");
    expect(JSON.stringify(chatRequests().at(-1)?.body.messages)).toContain("Miso");

    const { chats } = await client.sessions.chats(ai.ai_uuid, "chat-7");
    expect(chats.map((chat) => [chat.message, chat.response])).toEqual([
      ["What is my cat called?", "Echo: What is my cat called?"],
      ["Tell me about my cat", "Echo: Tell me about my cat"],
    ]);
  });

  it("gives generateText memory tools that search and save", async () => {
    const ai = await newAi("AI SDK tools");
    const client = aiClient(ai);
    const tools = memoryTools({ client, aiUuid: ai.ai_uuid });
    const options = { toolCallId: "t1", messages: [], context: {} };
    const saved = await tools.save_memory.execute?.({ content: "The user plays the cello.", tags: null }, options);
    expect(saved).toMatchObject({ saved: true });
    const found = await tools.search_memory.execute?.({ query: "cello", limit: null }, options);
    expect(found).toMatchObject([{ text: "The user plays the cello." }]);

    const provider = createOpenAICompatible({ name: "stand-in", baseURL: fake.url, apiKey: "test-key" });
    const answer = await generateText({
      model: provider.chatModel("test-model"),
      tools,
      stopWhen: stepCountIs(1),
      prompt: "hello",
    });
    expect(answer.text).toBe("Echo: hello");
    const offered = chatRequests().at(-1)?.body.tools as Array<{ function: { name: string } }>;
    expect(offered.map((each) => each.function.name)).toEqual(["search_memory", "save_memory"]);
  });
});
