import { createEvent, InMemorySessionService, type Session } from "@google/adk";
import { describe, expect, it } from "vitest";
import { updateAi } from "../../functions/src/memory/registry-service";
import { db, newAi } from "../../test-support/emulator";
import { decisions } from "../../test-support/facts";
import { scriptShared } from "../../test-support/fake-openai-scripts";
import { AiMemoryError } from "../src";
import { AiMemoryService } from "../src/adk";
import { adminClient, aiClient, eventually } from "./helpers";

const sessions = new InMemorySessionService();
const say = (session: Session, author: string, text: string) =>
  sessions.appendEvent({
    session,
    event: createEvent({
      author,
      invocationId: `inv-${session.events.length}`,
      content: { role: author === "user" ? "user" : "model", parts: [{ text }] },
    }),
  });

describe("ai-memory-client/adk", () => {
  it("adds an ADK session through extraction, twice without a duplicate, and searches with the product's retrieval", async () => {
    const ai = await newAi("ADK");
    const model = `adk-extract-${ai.ai_uuid}`;
    await updateAi(db, ai.ai_uuid, { settings: { extraction_model: model } });
    await scriptShared(model, [decisions({ action: "add", fact: "The user lives in Lyon." })]);
    const client = aiClient(ai);
    const memory = new AiMemoryService({ client });
    const session = await sessions.createSession({ appName: "trip-planner", userId: "u1" });
    await say(session, "user", "I live in Lyon.");
    await say(session, "planner", "Noted: Lyon.");

    await memory.addSessionToMemory(session);
    await memory.addSessionToMemory(session);
    const stored = await client.sessions.chats(ai.ai_uuid, `adk-${session.id}`);
    expect(stored.chats.map((chat) => [chat.message, chat.response])).toEqual([["I live in Lyon.", "Noted: Lyon."]]);
    const learnt = await eventually(
      () => client.memories.list(ai.ai_uuid, { memory_type: "long_term_memory" }),
      (page) => page.memories.length > 0,
    );
    expect(learnt.memories.map((each) => each.content)).toEqual(["The user lives in Lyon."]);

    const found = await memory.searchMemory({
      appName: "trip-planner",
      userId: "u1",
      query: "where does the user live",
    });
    expect(found.memories[0]).toMatchObject({
      content: { parts: [{ text: "The user lives in Lyon." }] },
      author: "memory",
    });

    await say(session, "user", "Book me a train.");
    await say(session, "planner", "Booked.");
    await memory.addSessionToMemory(session);
    const items = await client.sessions.items.list(ai.ai_uuid, `adk-${session.id}`);
    expect(items.items.map((item) => item.item.content)).toEqual([
      "I live in Lyon.",
      "Noted: Lyon.",
      "Book me a train.",
      "Booked.",
    ]);
    expect((await client.sessions.chats(ai.ai_uuid, `adk-${session.id}`)).chats).toHaveLength(2);
  }, 120_000);

  it("names each user's AI through aiUuidFor, and refuses a client without an AI token and without it", async () => {
    const ai = await newAi("ADK admin");
    await aiClient(ai).memories.create({
      ai_uuid: ai.ai_uuid,
      memory_type: "long_term_memory",
      memory_data: "Likes tea.",
    });
    const byAdmin = new AiMemoryService({
      client: adminClient(),
      aiUuidFor: ({ userId }) => (userId === "u9" ? ai.ai_uuid : ""),
    });
    const found = await byAdmin.searchMemory({ appName: "app", userId: "u9", query: "tea" });
    expect(found.memories.map((entry) => entry.content.parts?.[0]?.text)).toEqual(["Likes tea."]);
    const bare = new AiMemoryService({ client: adminClient() });
    await expect(bare.searchMemory({ appName: "app", userId: "u9", query: "tea" })).rejects.toBeInstanceOf(
      AiMemoryError,
    );
  });
});
