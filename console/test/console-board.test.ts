import { describe, expect, it } from "vitest";
import { NARROW, screenshot } from "./support/browser";
import { addMemory, callApi, createAi, expectNoSidewaysScroll, newAiName } from "./support/console-session";
import { useSignedInConsole } from "./support/harness";

describe("one AI's memory board", { timeout: 120_000 }, () => {
  const ui = useSignedInConsole();
  const column = (type: string) => ui.page.locator(`section[data-column="${type}"]`);
  const card = (type: string, text: string) => column(type).locator("li.memory-card", { hasText: text });

  it("adds, edits, moves (menu and drag and drop) and deletes a memory", async () => {
    const { page } = ui;
    const ai = await createAi(newAiName("Board"));
    await ui.open(`/ais/${ai.ai_uuid}`);
    await column("working_memory").getByText("No memory here yet.").waitFor();

    await page.getByRole("button", { name: "Add a memory to Working memory" }).click();
    await page.getByRole("textbox", { name: "Content" }).fill("Ada likes green tea");
    await page.getByLabel("Tags (comma-separated)").fill("drinks, likes");
    await page.getByLabel("Importance (0 to 1)").fill("0.8");
    await page.getByRole("button", { name: "Add memory" }).click();
    await page.getByRole("dialog", { name: "New memory in Working memory" }).waitFor({ state: "detached" });
    await card("working_memory", "Ada likes green tea").waitFor();
    expect(await card("working_memory", "Ada likes green tea").textContent()).toContain("drinks");

    // Edit, by keyboard: the card is a button, Enter opens it.
    await card("working_memory", "Ada likes green tea").getByRole("button").focus();
    await page.keyboard.press("Enter");
    const dialog = page.getByRole("dialog", { name: "Memory", exact: true });
    await dialog.getByRole("textbox", { name: "Content" }).fill("Ada likes jasmine tea");
    await dialog.getByRole("button", { name: "Save" }).click();
    await dialog.getByText("Saved as version 2.").waitFor();
    await card("working_memory", "Ada likes jasmine tea").waitFor();
    await screenshot(page, "memory-dialog-1280");

    await dialog.locator("select[name=move-to]").selectOption("long_term_memory");
    await dialog.getByRole("button", { name: "Move", exact: true }).click();
    await card("long_term_memory", "Ada likes jasmine tea").waitFor();
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "detached" });
    await card("working_memory", "Ada likes jasmine tea").waitFor({ state: "detached" });

    await card("long_term_memory", "Ada likes jasmine tea").dragTo(column("personal_logs"));
    await card("personal_logs", "Ada likes jasmine tea").waitFor();
    await card("long_term_memory", "Ada likes jasmine tea").waitFor({ state: "detached" });

    await card("personal_logs", "Ada likes jasmine tea").getByRole("button").click();
    await dialog.getByRole("button", { name: "Delete…" }).click();
    await dialog.getByRole("button", { name: "Yes, delete" }).click();
    await card("personal_logs", "Ada likes jasmine tea").waitFor({ state: "detached" });
    const left = await callApi<{ memories: unknown[] }>("GET", `/v1/ais/${ai.ai_uuid}/memories?memory_type=all`);
    expect(left.memories).toEqual([]);
    expect(ui.errors).toEqual([]);
  });

  it("shows a change made through the HTTP API without a reload, and the room's feed", async () => {
    const { page } = ui;
    const ai = await createAi(newAiName("Live"));
    await ui.open(`/ais/${ai.ai_uuid}`);
    await column("archive").getByText("No memory here yet.").waitFor();

    const ref = { ai_name: ai.ai_name, ai_uuid: ai.ai_uuid };
    const created = await callApi<{ id: string }>("POST", "/create_memory", {
      ...ref,
      memory_type: "archive",
      memory_data: "Written by another client",
    });
    await card("archive", "Written by another client").getByText("importance 0.5").waitFor();
    await callApi("POST", "/edit_memory", {
      ...ref,
      memory_type: "archive",
      memory_id: created.id,
      memory_data: "Edited by another client",
    });
    await card("archive", "Edited by another client").waitFor();
    await callApi("POST", "/move_memory", {
      ...ref,
      from_memory_type: "archive",
      to_memory_type: "long_term_memory",
      document_id: created.id,
    });
    await card("long_term_memory", "Edited by another client").waitFor();
    await expect.poll(() => column("long_term_memory").locator(".count").textContent(), { timeout: 15_000 }).toBe("1");

    await callApi("POST", "/v1/relay", {
      action: "emit",
      ai_uuid: ai.ai_uuid,
      event: "message",
      data: { text: "hello from a client" },
    });
    await callApi("POST", "/v1/relay", { action: "heartbeat", ai_uuid: ai.ai_uuid, client_id: "phone-7" });
    await page.getByRole("link", { name: "Room" }).click();
    const feed = page.locator("ol.feed");
    await feed.getByText("hello from a client").waitFor();
    // The event is written with the change itself: it is there as soon as the API has answered. Each
    // says what changed in words, with the memory's text as it is now.
    await feed.getByText("Created in archive through the API: “Edited by another client”").waitFor();
    await feed.getByText("Updated in archive through the API, now version 2: “Edited by another client”").waitFor();
    await feed.getByText(/^Moved from archive to long-term memory .*“Edited by another client”$/).waitFor();
    expect(await feed.textContent()).not.toContain(created.id);
    await page.getByText("phone-7").waitFor();
    await screenshot(page, "room-1280");
    expect(ui.errors).toEqual([]);
  });

  it("shows a memory's versions with a diff, and restores an earlier one", async () => {
    const { page } = ui;
    const ai = await createAi(newAiName("History"));
    const memory = await addMemory(ai.ai_uuid, "long_term_memory", "The office is in Paris", { tags: ["work"] });
    const path = `/v1/ais/${ai.ai_uuid}/memories/long_term_memory/${memory.id}`;
    await callApi("PATCH", path, { content: "The office is in Berlin" });
    await callApi("PATCH", path, { content: "The office is in Berlin, near the river", tags: ["work", "city"] });

    await ui.open(`/ais/${ai.ai_uuid}`);
    await card("long_term_memory", "near the river").getByRole("button").click();
    const dialog = page.getByRole("dialog", { name: "Memory", exact: true });
    await dialog.getByRole("button", { name: "History" }).click();
    const diff = dialog.getByLabel("Changes from version 2 to version 3");
    await diff.waitFor();
    expect(await diff.locator("ins").allTextContents()).toEqual(
      expect.arrayContaining([expect.stringContaining("near the river")]),
    );
    await dialog.locator("select[name=from]").selectOption("1");
    const fromFirst = dialog.getByLabel("Changes from version 1 to version 3");
    expect(await fromFirst.locator("del").allTextContents()).toEqual(
      expect.arrayContaining([expect.stringContaining("Paris")]),
    );
    await screenshot(page, "history-1280");

    await dialog.getByRole("button", { name: "Restore v1" }).click();
    await dialog.getByRole("textbox", { name: "Content" }).waitFor();
    expect(await dialog.getByRole("textbox", { name: "Content" }).inputValue()).toBe("The office is in Paris");
    await card("long_term_memory", "The office is in Paris").waitFor();
    const restored = await callApi<{ content: string; version: number; tags: string[] }>("GET", path);
    expect(restored).toMatchObject({ content: "The office is in Paris", version: 4, tags: ["work"] });
    expect(ui.errors).toEqual([]);
  });

  it("searches with the product's retrieval (scores shown) and filters like retrieve_memories", async () => {
    const { page } = ui;
    const ai = await createAi(newAiName("Search"));
    await addMemory(ai.ai_uuid, "working_memory", "Ada's sister lives in Lyon", { tags: ["family"] });
    await addMemory(ai.ai_uuid, "long_term_memory", "Lyon has a famous light festival", { tags: ["city"] });
    await addMemory(ai.ai_uuid, "archive", "Bought a bicycle in March", { tags: ["family", "things"] });
    await ui.open(`/ais/${ai.ai_uuid}`);
    await card("archive", "bicycle").waitFor();
    await card("working_memory", "sister lives in Lyon").waitFor();
    await screenshot(page, "board-1280");

    await page.getByRole("searchbox", { name: "Search memories" }).fill("Lyon sister");
    await page.getByRole("button", { name: "Search", exact: true }).click();
    const hit = card("working_memory", "sister lives in Lyon");
    await hit.waitFor();
    expect(await hit.locator(".score").textContent()).toMatch(/^score \d+\.\d{3}$/);
    await card("long_term_memory", "light festival").waitFor();
    expect(await card("archive", "bicycle").count()).toBe(0);

    await page.getByText("Filters", { exact: true }).click();
    await page.getByLabel("Every tag of (a, b)").fill("family");
    await page.getByRole("button", { name: "Apply filters" }).click();
    await card("archive", "bicycle").waitFor();
    await card("working_memory", "sister lives in Lyon").waitFor();
    expect(await card("long_term_memory", "light festival").count()).toBe(0);
    await page.setViewportSize(NARROW);
    await expectNoSidewaysScroll(page);
    await screenshot(page, "board-filtered-390");

    await page.getByRole("button", { name: "Back to live board" }).click();
    await card("long_term_memory", "light festival").waitFor();
    expect(ui.errors).toEqual([]);
  });

  it("pages a long column by cursor: the newest 25 first, then more on demand", async () => {
    const ai = await createAi(newAiName("Pages"));
    const memories = Array.from({ length: 30 }, (_, index) => ({
      memory_type: "archive",
      content: `Archived note ${index + 1}`,
    }));
    await callApi("POST", `/v1/ais/${ai.ai_uuid}/import`, { memories });
    await ui.open(`/ais/${ai.ai_uuid}`);
    const cards = column("archive").locator("li.memory-card");
    const note = (n: number) => column("archive").getByText(`Archived note ${n}`, { exact: true });
    await note(30).waitFor();
    await expect.poll(() => cards.count(), { timeout: 15_000 }).toBe(25);
    expect(await note(5).count(), "the oldest are on the next page").toBe(0);
    await expect.poll(() => column("archive").locator(".count").textContent(), { timeout: 15_000 }).toBe("30");

    await column("archive").getByRole("button", { name: "Load more" }).click();
    await note(1).waitFor();
    expect(await cards.count()).toBe(30);
    expect(await column("archive").getByRole("button", { name: "Load more" }).count()).toBe(0);
    expect(ui.errors).toEqual([]);
  });
});
