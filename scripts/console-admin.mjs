// The admin console's local sign-in under `npm start`.
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * The console's local admin: an email/password user on the Auth emulator with a verified email and
 * the `admin: true` claim (what firestore.rules read). The password is generated once into .local;
 * every start sets it again, so the user matches it even with old emulator data.
 */
export async function ensureConsoleAdmin(localDir, authPort, projectId) {
  const file = join(localDir, "console-admin.json");
  if (!existsSync(file)) {
    const created = { email: "admin@example.com", password: randomBytes(9).toString("base64url") };
    writeFileSync(file, JSON.stringify(created, null, 2), { mode: 0o600 });
  }
  const admin = JSON.parse(readFileSync(file, "utf8"));
  const accounts = `http://127.0.0.1:${authPort}/identitytoolkit.googleapis.com/v1/projects/${projectId}/accounts`;
  const call = async (path, body) => {
    // "Bearer owner" is the Auth emulator's admin credential.
    const response = await fetch(`${accounts}${path}`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: "Bearer owner" },
      body: JSON.stringify(body),
    });
    const answer = await response.json();
    if (!response.ok) throw new Error(answer.error?.message ?? `Auth emulator answered ${response.status}`);
    return answer;
  };
  const found = await call(":lookup", { email: [admin.email] });
  const localId =
    found.users?.[0]?.localId ?? (await call("", { email: admin.email, password: admin.password })).localId;
  await call(":update", {
    localId,
    password: admin.password,
    emailVerified: true,
    customAttributes: JSON.stringify({ admin: true }),
  });
  return admin;
}
