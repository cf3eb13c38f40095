import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Browser, launchBrowser, NARROW, screenshot, watchErrors, WIDE } from "./support/browser";
import { createAccount, expectNoSidewaysScroll, HOSTING_URL, signIn } from "./support/console-session";

describe("signing in to the console", { timeout: 120_000 }, () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
    browser.context.setDefaultTimeout(20_000);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  it("refuses a signed-in user the sign-up policy does not admit with its reason, then lets the admin in", async () => {
    const page = await browser.context.newPage();
    const errors = watchErrors(page);
    const [visitor, admin] = await Promise.all([createAccount("visitor", false), createAccount("admin")]);

    await page.goto(HOSTING_URL);
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    await screenshot(page, "sign-in-1280");
    await page.setViewportSize(NARROW);
    await expectNoSidewaysScroll(page);
    await screenshot(page, "sign-in-390");
    await page.setViewportSize(WIDE);

    await signIn(page, { ...visitor, password: "not the password" });
    await expect
      .poll(() => page.getByRole("alert").textContent(), { timeout: 15_000 })
      .toContain("Wrong email or password");

    await signIn(page, visitor);
    await page.getByRole("heading", { name: "No access" }).waitFor();
    const reason = await page.getByRole("alert").textContent();
    expect(reason).toContain(`${visitor.email} may not use this console`);
    expect(reason).toContain("SIGNUP_POLICY is open to verified emails");
    expect(await page.getByRole("heading", { name: "AIs" }).count()).toBe(0);
    // The API's 403 for the visitor is the one failed request the browser reports; a wrong
    // password is the Auth emulator's 400.
    expect(
      errors.every((error) => /status of (400|403)/.test(error)),
      errors.join("\n"),
    ).toBe(true);
    errors.length = 0;

    await page.getByRole("button", { name: "Sign out and use another account" }).click();
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    await signIn(page, admin);
    await page.getByRole("heading", { name: "AIs" }).waitFor();
    expect(await page.locator(".account-email").textContent()).toBe(admin.email);
    expect(errors).toEqual([]);
  });
});
