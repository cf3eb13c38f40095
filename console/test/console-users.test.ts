import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signIn as signInToAuth } from "../../functions/test/users/users-support";
import { type Browser, launchBrowser, NARROW, screenshot, watchErrors, WIDE } from "./support/browser";
import {
  type Account,
  createAccount,
  expectNoSidewaysScroll,
  HOSTING_URL,
  newAiName,
  signIn,
} from "./support/console-session";

/** The console for everyone: a user sees only their own AIs; the admin also gets the Users page. */

/** An AI made through Hosting with the user's own ID token, as an app on Firebase would. */
async function aiOf(account: Account, name: string, memory?: string): Promise<{ ai_uuid: string }> {
  const idToken = await signInToAuth(account.email, account.password);
  const post = (path: string, body: object) =>
    fetch(`${HOSTING_URL}${path}`, {
      method: "POST",
      headers: { Authorization: `Bearer ${idToken}`, "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
  const response = await post("/v1/ais", { ai_name: name });
  expect(response.status).toBe(201);
  const ai = (await response.json()) as { ai_uuid: string };
  if (memory)
    expect((await post(`/v1/ais/${ai.ai_uuid}/memories/long_term_memory`, { content: memory })).status).toBe(201);
  return ai;
}

describe("the console for users", { timeout: 120_000 }, () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
    browser.context.setDefaultTimeout(20_000);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  it("shows a user only their own AIs, and opens one", async () => {
    const [alice, bob] = await Promise.all([createAccount("visitor"), createAccount("visitor")]);
    const [aliceName, bobName] = [newAiName("Alice's"), newAiName("Bob's")];
    const own = await aiOf(alice, aliceName, "Alice takes her tea without sugar");
    await aiOf(bob, bobName);
    const page = await browser.context.newPage();
    const errors = watchErrors(page);
    await signIn(page, alice);
    await page.getByRole("heading", { name: "Your AIs" }).waitFor();
    await page.locator(`tr[data-ai="${own.ai_uuid}"]`).waitFor();
    expect(await page.locator("tbody tr").count()).toBe(1);
    expect(await page.getByText(bobName).count()).toBe(0);
    expect(await page.getByRole("link", { name: "Users" }).count()).toBe(0);
    await screenshot(page, "user-ais-1280");
    await page.getByRole("link", { name: aliceName }).click();
    await page.getByRole("heading", { name: aliceName, level: 1 }).waitFor();
    // The board's Firestore listeners read under firestore.rules as Alice.
    await page.getByText("Alice takes her tea without sugar").waitFor();
    await screenshot(page, "user-board-1280");
    await page.setViewportSize(NARROW);
    await expectNoSidewaysScroll(page);
    await page.setViewportSize(WIDE);
    expect(errors).toEqual([]);
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    await page.close();
  });

  it("gives the admin a Users page with each user's counts, and that user's AIs one click away", async () => {
    const [admin, carol] = await Promise.all([createAccount("admin"), createAccount("visitor")]);
    const carolName = newAiName("Carol's");
    const carolAi = await aiOf(carol, carolName);
    const page = await browser.context.newPage();
    const errors = watchErrors(page);
    await signIn(page, admin);
    await page.getByRole("heading", { name: "AIs" }).waitFor();
    await page.getByRole("link", { name: "Users" }).click();
    await page.getByRole("heading", { name: "Users", level: 1 }).waitFor();
    const row = page.locator("tr", { has: page.getByRole("link", { name: carol.email }) });
    await row.waitFor();
    expect(await row.locator("td[data-label='AIs']").textContent()).toBe("1 / 10");
    expect(await row.locator("td[data-label='Status']").textContent()).toBe("active");
    await screenshot(page, "users-1280");
    await page.setViewportSize(NARROW);
    await expectNoSidewaysScroll(page);
    await screenshot(page, "users-390");
    await page.setViewportSize(WIDE);
    await page.getByRole("link", { name: carol.email }).click();
    await page.getByRole("heading", { name: "A user's AIs" }).waitFor();
    await page.locator(`tr[data-ai="${carolAi.ai_uuid}"]`).waitFor();
    expect(await page.locator("tbody tr").count()).toBe(1);
    expect(errors).toEqual([]);
    await page.close();
  });
});
