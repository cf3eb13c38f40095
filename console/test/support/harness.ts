import type { Page } from "playwright-core";
import { afterAll, beforeAll, beforeEach } from "vitest";
import { type Browser, launchBrowser, screenshot, watchErrors } from "./browser";
import { type Account, createAccount, HOSTING_URL, signIn } from "./console-session";

export interface ConsoleHarness {
  browser: Browser;
  admin: Account;
  /** A fresh tab of a browser where the admin has signed in. */
  page: Page;
  /** The console errors and uncaught exceptions of `page` so far. */
  errors: string[];
  /** Opens a path of the console in `page`. */
  open(path: string): Promise<void>;
}

/** One headless Chromium per test file, signed in as a fresh admin; one new tab per test. */
export function useSignedInConsole(): ConsoleHarness {
  const harness = {} as ConsoleHarness;
  beforeAll(async () => {
    harness.browser = await launchBrowser();
    harness.browser.context.setDefaultTimeout(20_000);
    harness.admin = await createAccount("admin");
    const page = await harness.browser.context.newPage();
    await signIn(page, harness.admin);
    await page.getByRole("heading", { name: "AIs" }).waitFor();
    await page.close();
  }, 90_000);
  beforeEach(async (context) => {
    await harness.page?.close();
    const page = await harness.browser.context.newPage();
    harness.page = page;
    // What the page showed when a test failed, to look at.
    // Best effort: the test's own failure is the one to report.
    context.onTestFailed(() =>
      screenshot(page, `failed-${context.task.name.slice(0, 40).replace(/\W+/g, "-")}`).catch(() => undefined),
    );
    harness.errors = watchErrors(harness.page);
    harness.open = async (path) => {
      await harness.page.goto(`${HOSTING_URL}${path}`);
    };
  });
  afterAll(async () => {
    await harness.browser?.close();
  });
  return harness;
}
