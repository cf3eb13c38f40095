import { randomBytes } from "node:crypto";
import type { Page } from "playwright-core";
import { expect } from "vitest";
import { ADMIN, auth, HOSTING_URL } from "../../../test-support/emulator";
import type { HandshakeBody } from "../../../test-support/emulator";

export { HOSTING_URL };

export interface Account {
  email: string;
  password: string;
}

const unique = () => randomBytes(4).toString("hex");

/**
 * A user on the Auth emulator: the admin holds the `admin: true` claim; a visitor holds nothing (the
 * test emulators' SIGNUP_POLICY is open: a verified visitor is a user, an unverified one is refused).
 */
export async function createAccount(kind: "admin" | "visitor", emailVerified = true): Promise<Account> {
  const account = { email: `console-${kind}-${unique()}@example.org`, password: `pw-${unique()}-${unique()}` };
  const user = await auth.createUser({ ...account, emailVerified });
  if (kind === "admin") await auth.setCustomUserClaims(user.uid, { admin: true });
  return account;
}

export async function signIn(page: Page, account: Account): Promise<void> {
  await page.goto(HOSTING_URL);
  await page.getByLabel("Email").fill(account.email);
  await page.getByLabel("Password").fill(account.password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** The HTTP API as another client would use it: through Hosting, with the admin key. */
export async function callApi<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${HOSTING_URL}${path}`, {
    method,
    headers: { Authorization: ADMIN, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer = (await response.json()) as T;
  expect(response.ok, `${method} ${path}: ${JSON.stringify(answer)}`).toBe(true);
  return answer;
}

export const newAiName = (prefix: string) => `${prefix} ${unique()}`;

export const createAi = (name: string) => callApi<HandshakeBody>("POST", "/v1/ais", { ai_name: name });

export interface ApiMemory {
  id: string;
  version: number;
  memory_type: string;
}

export const addMemory = (aiUuid: string, type: string, content: string, extra: Record<string, unknown> = {}) =>
  callApi<ApiMemory>("POST", `/v1/ais/${aiUuid}/memories/${type}`, { content, ...extra });

/** The page has no horizontal scrollbar: nothing is wider than the viewport. */
export async function expectNoSidewaysScroll(page: Page): Promise<void> {
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow).toBeLessThanOrEqual(0);
}

/** The HTTP status of a GET through Hosting, as the admin or with another bearer. */
export async function statusOf(path: string, authorization = ADMIN): Promise<number> {
  return (await fetch(`${HOSTING_URL}${path}`, { headers: { Authorization: authorization } })).status;
}
