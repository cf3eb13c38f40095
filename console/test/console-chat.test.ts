import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { NARROW, screenshot, WIDE } from "./support/browser";
import { addMemory, callApi, createAi, expectNoSidewaysScroll, newAiName } from "./support/console-session";
import { useSignedInConsole } from "./support/harness";

describe("chat and data in the console", { timeout: 120_000 }, () => {
  const ui = useSignedInConsole();

  it("answers in the playground, streamed, with the memory context it received and what it stored", async () => {
    const { page } = ui;
    const ai = await createAi(newAiName("Chatty"));
    const sister = await addMemory(ai.ai_uuid, "long_term_memory", "Ada's sister lives in Lyon", { importance: 0.9 });
    await ui.open(`/ais/${ai.ai_uuid}/playground`);
    await page.getByText("Say something to").waitFor();

    await page.getByLabel("Message", { exact: true }).fill("Where does Ada's sister live?");
    await page.getByRole("button", { name: "Send" }).click();
    // The tests' stand-in model echoes the user's message (test-support/fake-openai-server.ts).
    const turn = page.locator("li.turn").first();
    await turn.locator(".bubble.assistant", { hasText: "Echo: Where does Ada's sister live?" }).waitFor();
    const given = turn.getByLabel("Given to the model");
    await given.locator(`li[data-memory-id="${sister.id}"]`, { hasText: "sister lives in Lyon" }).waitFor();
    const stored = turn.getByLabel("Stored");
    await stored.getByText("User: Where does Ada's sister live?").waitFor();
    await screenshot(page, "playground-1280");
    await page.setViewportSize(NARROW);
    await expectNoSidewaysScroll(page);
    await screenshot(page, "playground-390");
    await page.setViewportSize(WIDE);

    // A session whose id the client chose is listed by that id; the handshake's unused session is not repeated.
    await callApi("POST", "/v1/handshake", { ai_uuid: ai.ai_uuid });
    await callApi("POST", "/v1/chat/completions", {
      ai_uuid: ai.ai_uuid,
      session_id: "family-chat",
      messages: [{ role: "user", content: "Dinner is at eight" }],
    });
    // The exchange is in Conversations, with its context opened in place.
    await page.getByRole("link", { name: "Conversations" }).click();
    await page.getByRole("heading", { name: /^Session family-chat/ }).waitFor();
    const sessions = page.locator(".session-button");
    expect(await sessions.filter({ hasText: "0 exchanges" }).count()).toBe(1);
    await sessions.filter({ hasNotText: "family-chat" }).filter({ hasText: "1 exchange" }).click();
    await page.locator(".bubble.assistant", { hasText: "Echo: Where does Ada's sister live?" }).waitFor();
    await page.getByRole("button", { name: /Show the memories given to the model \(\d+\)/ }).click();
    await page.getByLabel("Memory context").getByText("sister lives in Lyon").waitFor();
    await screenshot(page, "conversations-1280");
    expect(ui.errors).toEqual([]);
  });

  it("exports an AI's memory as a JSON file and imports it into another AI", async () => {
    const { page } = ui;
    const source = await createAi(newAiName("Exporter"));
    await addMemory(source.ai_uuid, "working_memory", "Export me: first", { tags: ["a"] });
    await addMemory(source.ai_uuid, "long_term_memory", "Export me: second", {
      metadata: { origin: "test" },
      importance: 0.2,
    });
    await addMemory(source.ai_uuid, "archive", "Export me: third");
    await ui.open(`/ais/${source.ai_uuid}/data`);

    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Export memory" }).click(),
    ]);
    await page.getByText("Exported 3 memories.").waitFor();
    const file = await download.path();
    const exported = JSON.parse(readFileSync(file, "utf8")) as { memories: Array<{ content: string }> };
    expect(exported.memories.map((memory) => memory.content).sort()).toEqual([
      "Export me: first",
      "Export me: second",
      "Export me: third",
    ]);
    await screenshot(page, "export-import-1280");

    const target = await createAi(newAiName("Importer"));
    await ui.open(`/ais/${target.ai_uuid}/data`);
    await page.locator("input[type=file][name=import]").setInputFiles(file);
    await page.getByText(`Imported 3 memories into ${target.ai_name}.`).waitFor();
    const imported = await callApi<{
      memories: Array<{ memory_type: string; content: string; tags: string[]; metadata: object; importance: number }>;
    }>("GET", `/v1/ais/${target.ai_uuid}/memories?memory_type=all`);
    expect(imported.memories.map(({ memory_type, content }) => `${memory_type}: ${content}`).sort()).toEqual([
      "archive: Export me: third",
      "long_term_memory: Export me: second",
      "working_memory: Export me: first",
    ]);
    expect(imported.memories.find((memory) => memory.content === "Export me: second")).toMatchObject({
      metadata: { origin: "test" },
      importance: 0.2,
    });

    await page.getByRole("link", { name: "Memory board" }).click();
    await page.locator('section[data-column="long_term_memory"]').getByText("Export me: second").waitFor();

    await ui.open(`/ais/${target.ai_uuid}/data`);
    await page
      .locator("input[type=file][name=import]")
      .setInputFiles({ name: "notes.json", mimeType: "application/json", buffer: Buffer.from('{"hello": 1}') });
    await page.getByRole("alert").getByText('notes.json: no "memories" list').waitFor();
    expect(ui.errors).toEqual([]);
  });
});
