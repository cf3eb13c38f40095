import { generateKeyPairSync } from "node:crypto";
import jwt from "jsonwebtoken";
import request from "supertest";
import { describe, expect, it } from "vitest";
import { ADMIN, db, PROJECT_ID } from "../../../test-support/emulator";
import { anonymousUser, appWith, newUser } from "./users-support";

/** SIGNUP_POLICY with real Auth-emulator users: who gets in, who is told why not. */

const me = (app: ReturnType<typeof appWith>, credential: string) =>
  request(app).get("/v1/me").set("Authorization", credential);
const forgerKey = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
const recordOf = async (uid: string) => (await db.doc(`users/${uid}`).get()).data();

describe("SIGNUP_POLICY", () => {
  it("admin_only (the default) refuses every other user with a 403 naming the policy, and records nothing", async () => {
    const app = appWith({ signupPolicy: "admin_only" });
    const user = await newUser("outsider");
    const answer = await me(app, user.bearer);
    expect(answer.status).toBe(403);
    expect(answer.body.error).toMatchObject({ code: "permission_denied", details: { signup_policy: "admin_only" } });
    expect(answer.body.error.message).toMatch(/SIGNUP_POLICY is admin_only/);
    expect(await recordOf(user.uid)).toBeUndefined();
    expect((await me(app, ADMIN)).body).toMatchObject({ kind: "admin", user: null, signup_policy: "admin_only" });
  });

  it("open admits a verified email or a user without one (anonymous), never an unverified email", async () => {
    const app = appWith({ signupPolicy: "open" });
    const [verified, unverified, anonymous] = await Promise.all([
      newUser("verified"),
      newUser("unverified", { verified: false }),
      anonymousUser(),
    ]);
    const answer = await me(app, verified.bearer);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      kind: "user",
      uid: verified.uid,
      user: { uid: verified.uid, email: verified.email, status: "active", limits: { ais: 10 } },
    });
    expect(await recordOf(verified.uid)).toMatchObject({ status: "active", email: verified.email });
    expect((await me(app, anonymous.bearer)).status).toBe(200);
    const refused = await me(app, unverified.bearer);
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toMatch(/verify/);
  });

  it("allowlist admits the emails and @domains the admin lists, nobody else", async () => {
    const app = appWith({ signupPolicy: "allowlist" });
    const domain = `corp-${Date.now()}.example`;
    const [listed, colleague, stranger, unverified] = await Promise.all([
      newUser("listed"),
      newUser("colleague", { domain }),
      newUser("stranger"),
      newUser("unverified", { domain, verified: false }),
    ]);
    const bad = await request(app)
      .patch("/v1/allowlist")
      .set("Authorization", ADMIN)
      .send({ entries: ["not an email"] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.field).toBe("entries.0");
    const set = await request(app)
      .patch("/v1/allowlist")
      .set("Authorization", ADMIN)
      .send({ entries: [listed.email.toUpperCase(), `@${domain}`] });
    expect(set.status).toBe(200);
    expect((await request(app).get("/v1/allowlist").set("Authorization", ADMIN)).body.entries).toEqual([
      listed.email,
      `@${domain}`,
    ]);
    expect((await me(app, listed.bearer)).status).toBe(200);
    expect((await me(app, colleague.bearer)).status).toBe(200);
    for (const refused of [stranger, unverified]) {
      const answer = await me(app, refused.bearer);
      expect(answer.status).toBe(403);
      expect(answer.body.error.message).toMatch(/SIGNUP_POLICY is allowlist/);
    }
    expect(
      (await request(app).patch("/v1/allowlist").set("Authorization", listed.bearer).send({ entries: [] })).status,
    ).toBe(403);
  });

  it("answers 401 to a forged, expired or other-project ID token", async () => {
    const app = appWith({ signupPolicy: "open" });
    const user = await newUser("forger");
    const payload = user.idToken.split(".")[1];
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString());
    const unsigned = (changes: object) =>
      jwt.sign({ ...claims, ...changes }, "", { algorithm: "none", header: { alg: "none", typ: "JWT" } });
    const now = Math.floor(Date.now() / 1000);
    const forgeries = {
      // The Auth emulator's tokens are unsigned; a signature by anyone but Google is a forgery.
      "a token signed by someone else": jwt.sign({ ...claims, email: "admin@example.com" }, forgerKey, {
        algorithm: "RS256",
        keyid: "forged",
      }),
      expired: unsigned({ iat: now - 7200, exp: now - 3600 }),
      "another project": unsigned({ aud: "another-project", iss: "https://securetoken.google.com/another-project" }),
    };
    expect(claims.aud).toBe(PROJECT_ID);
    for (const [name, token] of Object.entries(forgeries)) {
      const answer = await me(app, `Bearer ${token}`);
      expect(answer.status, name).toBe(401);
      expect(answer.body.error.code, name).toBe("unauthenticated");
    }
  });
});
