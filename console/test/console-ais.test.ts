import { describe, expect, it } from "vitest";
import { NARROW, screenshot } from "./support/browser";
import { callApi, createAi, expectNoSidewaysScroll, newAiName, statusOf } from "./support/console-session";
import { useSignedInConsole } from "./support/harness";

interface AiAnswer {
  ai_name: string;
  status: string;
  settings: {
    system_prompt: string | null;
    memory_token_budget: number;
    working_memory_limit: number;
    reflections: boolean;
  };
}

describe("the AIs in the console", { timeout: 120_000 }, () => {
  const ui = useSignedInConsole();

  it("creates an AI, shows its tokens once to copy, and lists it", async () => {
    const { page } = ui;
    const name = newAiName("Scout");
    await ui.open("/");
    await page.getByRole("button", { name: "New AI" }).click();
    await page.getByLabel("Name").fill(name);
    await page.getByRole("button", { name: "Create" }).click();

    const dialog = page.getByRole("dialog", { name: `${name} is ready` });
    const token = await dialog.getByLabel("ai_token (the AI's bearer credential)").inputValue();
    expect(token.split(".")).toHaveLength(3); // a JWT
    expect(await dialog.getByText("they are shown once").count()).toBe(1);
    const aiUuid = await dialog.getByLabel("ai_uuid").inputValue();
    expect(await statusOf(`/v1/ais/${aiUuid}`, `Bearer ${token}`), "the AI reads itself with its token").toBe(200);

    await dialog.getByRole("button", { name: `Open ${name}` }).click();
    await page.getByRole("heading", { name, level: 1 }).waitFor();
    await page.getByRole("link", { name: "← AIs" }).click();
    const row = page.locator(`tr[data-ai="${aiUuid}"]`);
    await row.waitFor();
    expect(await row.locator("td[data-label='Status']").textContent()).toBe("active");
    await screenshot(page, "ais-1280");
    await page.setViewportSize(NARROW);
    await expectNoSidewaysScroll(page);
    await screenshot(page, "ais-390");
    expect(ui.errors).toEqual([]);
  });

  it("renames an AI, changes its settings, disables it, revokes its tokens and deletes it after a typed confirmation", async () => {
    const { page } = ui;
    const ai = await createAi(newAiName("Tuner"));
    await ui.open(`/ais/${ai.ai_uuid}/settings`);
    const renamed = newAiName("Renamed");
    await page.getByLabel("Name", { exact: true }).fill(renamed);
    await page.getByLabel("System prompt").fill("You are terse.");
    await page.getByLabel("Memory token budget").fill("3000");
    await page.getByLabel("Working memory limit").fill("80");
    await page.getByLabel("Reflections (a personal log per consolidation)").check();
    await page.getByLabel("Extract facts from each chat exchange into long-term memory").uncheck();
    await page.getByLabel(/^Extraction model/).fill("small-model");
    await page.getByLabel("Extractions per day (UTC)").fill("40");
    await page.getByLabel("Requests per minute (its own token)").fill("90");
    await page.getByLabel("Memory limit (all four types)").fill("5000");
    await screenshot(page, "settings-1280");
    await page.getByRole("button", { name: "Save settings" }).click();
    await page.getByRole("heading", { name: renamed, level: 1 }).waitFor();
    const saved = await callApi<AiAnswer>("GET", `/v1/ais/${ai.ai_uuid}`);
    expect(saved).toMatchObject({
      ai_name: renamed,
      settings: {
        system_prompt: "You are terse.",
        memory_token_budget: 3000,
        working_memory_limit: 80,
        reflections: true,
        extraction_enabled: false,
        extraction_model: "small-model",
        extraction_daily_cap: 40,
        requests_per_minute: 90,
        max_memories: 5000,
      },
    });

    await page.getByLabel("Name", { exact: true }).fill("Bad/Name");
    await page.getByRole("button", { name: "Save settings" }).click();
    await expect
      .poll(() => page.getByRole("alert").textContent(), { timeout: 15_000 })
      .toContain("ai_name: may hold letters");
    expect(ui.errors, "the API's 400, shown above").toEqual([expect.stringContaining("status of 400")]);
    ui.errors.length = 0;
    await page.getByLabel("Name", { exact: true }).fill(renamed);

    await page.getByRole("button", { name: "Revoke all tokens" }).click();
    await page.getByText("Every ai_token issued so far is revoked").waitFor();
    expect(await statusOf(`/v1/ais/${ai.ai_uuid}`, `Bearer ${ai.tokens.ai_token}`)).toBe(401);
    await page.getByText("enabling it again does not bring them back").waitFor();
    await page.getByRole("button", { name: "Disable this AI" }).click();
    await page.getByRole("button", { name: "Enable this AI" }).waitFor();
    expect((await callApi<AiAnswer>("GET", `/v1/ais/${ai.ai_uuid}`)).status).toBe("disabled");

    const remove = page.getByRole("button", { name: `Delete ${renamed}` });
    expect(await remove.isDisabled()).toBe(true);
    await page.getByLabel(`Type ${renamed} to confirm`).fill(renamed);
    await remove.click();
    await page.getByRole("heading", { name: "AIs" }).waitFor();
    expect(await statusOf(`/v1/ais/${ai.ai_uuid}`)).toBe(404);
    expect(ui.errors).toEqual([]);
  });
});
