import request from "supertest";
import { describe, expect, it } from "vitest";
import { createApp } from "../src/http/app";
import { adminClaim } from "../src/http/response-schemas";
import { ADMIN, auth, config, deps } from "./support/emulator";

const AUTH_EMULATOR = `http://${process.env.FIREBASE_AUTH_EMULATOR_HOST}`;
const PASSWORD = "a long local password";
const unique = () => Math.random().toString(36).slice(2, 10);
/** An app whose ADMIN_EMAIL is this suite's own, so no other suite's users get in the way. */
const appFor = (adminEmail: string) => createApp({ ...deps, config: { ...config, adminEmail } });
const OWNER = `owner-${unique()}@example.org`;
const app = appFor(OWNER);

async function idTokenOf(email: string, emailVerified: boolean): Promise<{ uid: string; token: string }> {
  const user = await auth.createUser({ email, password: PASSWORD, emailVerified });
  const response = await fetch(`${AUTH_EMULATOR}/identitytoolkit.googleapis.com/v1/accounts:signInWithPassword?key=fake-api-key`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email, password: PASSWORD, returnSecureToken: true }),
  });
  return { uid: user.uid, token: ((await response.json()) as { idToken: string }).idToken };
}

const claim = (authorization: string) => request(app).post("/v1/admin/claim").set("Authorization", authorization);

describe("POST /v1/admin/claim", () => {
  it("gives the ADMIN_EMAIL user the admin claim once, so Firestore rules let it read", async () => {
    const owner = await idTokenOf(OWNER, true);
    const first = await claim(`Bearer ${owner.token}`);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ uid: owner.uid, admin: true, granted: true });
    expect(adminClaim.safeParse(first.body).error?.issues ?? [], "the answer /openapi.json documents").toEqual([]);
    expect((await auth.getUser(owner.uid)).customClaims).toEqual({ admin: true });

    const again = await claim(`Bearer ${owner.token}`);
    expect(again.body).toEqual({ uid: owner.uid, admin: true, granted: false });
  });

  it("refuses anyone else and changes nothing", async () => {
    const stranger = await idTokenOf(`stranger-${unique()}@example.org`, true);
    const refused = await claim(`Bearer ${stranger.token}`);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe("permission_denied");
    expect((await auth.getUser(stranger.uid)).customClaims ?? {}).toEqual({});

    const unverifiedOwner = `unverified-${unique()}@example.org`;
    const unverified = await idTokenOf(unverifiedOwner, false);
    const response = await request(appFor(unverifiedOwner)).post("/v1/admin/claim").set("Authorization", `Bearer ${unverified.token}`);
    expect(response.status).toBe(403);
    expect((await auth.getUser(unverified.uid)).customClaims ?? {}).toEqual({});
  });

  it("answers the admin key with a 409 naming the header: a key holds no claims", async () => {
    const response = await claim(ADMIN);
    expect(response.status).toBe(409);
    expect(response.body.error.message).toContain("Authorization");
  });
});
