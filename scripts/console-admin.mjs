// The console's local sign-ins under `npm start`: the admin, and a user to try a user's view.
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * An email/password user on the Auth emulator with a verified email, and the `admin: true` claim
 * (what firestore.rules read) when `admin`. The password is generated once into .local; every start
 * sets it again, so the user matches it even with old emulator data.
 */
async function ensureAccount(localDir, authPort, projectId, { file, email, admin }) {
  const path = join(localDir, file);
  if (!existsSync(path)) {
    const created = { email, password: randomBytes(9).toString("base64url") };
    writeFileSync(path, JSON.stringify(created, null, 2), { mode: 0o600 });
  }
  const account = JSON.parse(readFileSync(path, "utf8"));
  const accounts = `http://127.0.0.1:${authPort}/identitytoolkit.googleapis.com/v1/projects/${projectId}/accounts`;
  const call = async (route, body) => {
    // "Bearer owner" is the Auth emulator's admin credential.
    const response = await fetch(`${accounts}${route}`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: "Bearer owner" },
      body: JSON.stringify(body),
    });
    const answer = await response.json();
    if (!response.ok) throw new Error(answer.error?.message ?? `Auth emulator answered ${response.status}`);
    return answer;
  };
  const found = await call(":lookup", { email: [account.email] });
  const localId =
    found.users?.[0]?.localId ?? (await call("", { email: account.email, password: account.password })).localId;
  await call(":update", {
    localId,
    password: account.password,
    emailVerified: true,
    customAttributes: JSON.stringify(admin ? { admin: true } : {}),
  });
  return account;
}

/** The console's local admin. */
export const ensureConsoleAdmin = (localDir, authPort, projectId) =>
  ensureAccount(localDir, authPort, projectId, { file: "console-admin.json", email: "admin@example.com", admin: true });

/** A second local user, no admin: under npm start's SIGNUP_POLICY (open) they get their own AIs. */
export const ensureConsoleUser = (localDir, authPort, projectId) =>
  ensureAccount(localDir, authPort, projectId, { file: "console-user.json", email: "user@example.com", admin: false });
