import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scriptShared } from "../../test-support/fake-openai-scripts";
import { screenshot } from "./support/browser";
import { callApi, createAi, newAiName } from "./support/console-session";
import { useSignedInConsole } from "./support/harness";

/** A local API the deployed function (the Functions emulator, where loopback is allowed) can call. */
let server: Server;
let apiUrl: string;
const received: Array<{ body: string; key: string | undefined }> = [];
beforeAll(async () => {
  server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    received.push({
      body: Buffer.concat(chunks).toString("utf8"),
      key: req.headers["x-api-key"] as string | undefined,
    });
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ stock: 7 }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/stock`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

describe("tools in the console", { timeout: 120_000 }, () => {
  const ui = useSignedInConsole();

  it("adds, tests and lists a tool; sets the capability policy; the playground shows the calls", async () => {
    const { page } = ui;
    const model = `console-tools-${Date.now()}`;
    const ai = await createAi(newAiName("Shopkeeper"));
    await callApi("PATCH", `/v1/ais/${ai.ai_uuid}`, { settings: { model } });

    await ui.open(`/ais/${ai.ai_uuid}/tools`);
    await page.getByText("No tools yet.").waitFor();
    const secret = page.getByRole("form", { name: "Tool secret" });
    await secret.getByLabel("Secret name").fill("STOCK_KEY");
    await secret.getByLabel("Value").fill("stock-key-123456");
    await secret.getByRole("button", { name: "Save secret" }).click();
    await page.getByText("Secret STOCK_KEY saved.").waitFor();

    await page.getByRole("button", { name: "Add a tool" }).click();
    const editor = page.getByRole("form", { name: "Tool editor" });
    await editor.getByLabel("Name", { exact: true }).fill("stock");
    await editor.getByLabel("Description").fill("Items in stock");
    await editor.getByLabel("URL", { exact: true }).fill(apiUrl);
    await editor
      .getByLabel("Parameters (JSON Schema)")
      .fill('{"type": "object", "properties": {"item": {"type": "string"}}}');
    await editor.getByLabel(/Headers/).fill('{"X-Api-Key": "{{secret:STOCK_KEY}}"}');
    await editor.getByRole("button", { name: "Save tool" }).click();

    const row = page.getByRole("listitem", { name: "Tool stock" });
    await row.getByLabel("Sample arguments").fill('{"item": "apples"}');
    await row.getByRole("button", { name: "Test" }).click();
    await row
      .getByRole("status")
      .getByText(/^ok in \d+ ms/)
      .waitFor();
    expect(received.at(-1)).toEqual({ body: '{"item":"apples"}', key: "stock-key-123456" });
    await screenshot(page, "tools-1280");

    await page.getByRole("link", { name: "Settings" }).click();
    const policy = page.getByRole("form", { name: "Capabilities" });
    await policy.getByLabel(/Memory tools/).check();
    await policy.getByLabel("Long-term memory").uncheck();
    await policy.getByRole("button", { name: "Save capabilities" }).click();
    await page.getByText("Capabilities saved.").waitFor();
    const saved = await callApi<{ settings: { memory_tools: boolean; writable_types: string[] } }>(
      "GET",
      `/v1/ais/${ai.ai_uuid}`,
    );
    expect(saved.settings).toMatchObject({
      memory_tools: true,
      writable_types: ["working_memory", "personal_logs", "archive"],
    });

    await scriptShared(model, [
      { tool_calls: [{ name: "stock", arguments: '{"item": "pears"}' }] },
      { content: "We have 7 pears.", streams: true },
    ]);
    await page.getByRole("link", { name: "Playground" }).click();
    await page.getByLabel("Message", { exact: true }).fill("Any pears?");
    await page.getByRole("button", { name: "Send" }).click();
    const turn = page.locator("li.turn").first();
    await turn.locator(".bubble.assistant", { hasText: "We have 7 pears." }).waitFor();
    await turn.getByLabel("Tool calls").locator('li[data-tool="stock"]', { hasText: "ok" }).waitFor();
    await screenshot(page, "playground-tools-1280");

    await page.getByRole("link", { name: "Conversations" }).click();
    await page.getByLabel("Tool calls").locator('li[data-tool="stock"]', { hasText: "ok" }).waitFor();

    await page.getByRole("link", { name: "Tools" }).click();
    await page.getByLabel("Recent calls").locator('li[data-tool="stock"]').first().waitFor();
    expect(ui.errors).toEqual([]);
  });
});
