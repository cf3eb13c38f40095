import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type App, chatApp, chatAs, systemPromptOf } from "../../test-support/chat-app";
import { newAi } from "../../test-support/emulator";
import type { FakeOpenAi } from "../../test-support/fake-openai-server";

let app: App;
let fake: FakeOpenAi;
beforeAll(async () => ({ app, fake } = await chatApp()));
afterAll(() => fake.close());

const promptWith = (marker: string) =>
  systemPromptOf(
    fake.requests.find(
      (recorded) => recorded.path.endsWith("/chat/completions") && JSON.stringify(recorded.body).includes(marker),
    )!.body,
  );

const occurrences = (text: string, word: string) => text.split(word).length - 1;

describe("the memory block the model receives", () => {
  it("holds a session's earlier exchange once: as a recent turn, not again as its working-memory copy", async () => {
    const ai = await newAi("Once");
    const first = await chatAs(app, ai, { messages: [{ role: "user", content: "My parrot is called Quokkabird." }] });
    expect(first.status).toBe(200);
    const sessionId = first.body.memory.session_id;
    const second = await chatAs(
      app,
      ai,
      { messages: [{ role: "user", content: "What is my parrot Quokkabird called? turn-two" }] },
      { "X-Session-Id": sessionId },
    );
    expect(second.status).toBe(200);

    const prompt = promptWith("turn-two");
    const block = prompt.slice(prompt.lastIndexOf("<memory_data>\n"), prompt.lastIndexOf("\n</memory_data>"));
    expect(block).toContain('"kind":"recent_turn"');
    expect(occurrences(block, "User: My parrot is called Quokkabird.")).toBe(1);
    expect(second.body.memory.context_memory_ids).not.toContain(first.body.memory.stored_memory_ids[0]);

    // A new session has no recent turns: there the exchange comes back as working memory.
    await chatAs(app, ai, { messages: [{ role: "user", content: "Quokkabird again? turn-three" }] });
    const elsewhere = promptWith("turn-three");
    expect(occurrences(elsewhere, "User: My parrot is called Quokkabird.")).toBe(1);
    expect(elsewhere).toContain('"kind":"working_memory"');
  });
});
