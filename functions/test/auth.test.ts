import jwt from "jsonwebtoken";
import request from "supertest";
import { describe, expect, it } from "vitest";
import { AI_TOKEN_AUDIENCE, AI_TOKEN_ISSUER, signAiToken } from "../src/auth/ai-token";
import { ADMIN, app, auth, bearer, config, newAi } from "../../test-support/emulator";

const AUTH_EMULATOR = `http://${process.env.FIREBASE_AUTH_EMULATOR_HOST}`;

const PASSWORD = "correct horse battery staple";

/** Creates a user on the Auth emulator and returns a real Firebase ID token for it. */
async function idTokenFor(email: string, options: { verified: boolean; claims?: object }): Promise<string> {
  const user = await auth.createUser({ email, password: PASSWORD, emailVerified: options.verified });
  if (options.claims) await auth.setCustomUserClaims(user.uid, options.claims);
  return signIn(email);
}

async function signIn(email: string): Promise<string> {
  const response = await fetch(
    `${AUTH_EMULATOR}/identitytoolkit.googleapis.com/v1/accounts:signInWithPassword?key=fake-api-key`,
    {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ email, password: PASSWORD, returnSecureToken: true }),
    },
  );
  return ((await response.json()) as { idToken: string }).idToken;
}

const unique = () => Math.random().toString(36).slice(2, 10);
const getAi = (aiUuid: string, authorization?: string) => {
  const call = request(app).get(`/v1/ais/${aiUuid}`);
  return authorization === undefined ? call : call.set("Authorization", authorization);
};

describe("admin credentials", () => {
  it("accepts the ADMIN_API_KEY", async () => {
    const ai = await newAi("Admin key");
    expect((await getAi(ai.ai_uuid, ADMIN)).status).toBe(200);
  });

  it("accepts a Firebase ID token whose verified email is ADMIN_EMAIL, or that has the admin claim", async () => {
    const ai = await newAi("Firebase admin");
    expect(config.adminEmail, "npm test sets ADMIN_EMAIL").not.toBe("");
    const adminToken = await idTokenFor(config.adminEmail, { verified: true });
    expect((await getAi(ai.ai_uuid, `Bearer ${adminToken}`)).status).toBe(200);

    await auth.updateUser((await auth.getUserByEmail(config.adminEmail)).uid, { emailVerified: false });
    const unverified = await signIn(config.adminEmail);
    expect((await getAi(ai.ai_uuid, `Bearer ${unverified}`)).status).toBe(403);

    const claimToken = await idTokenFor(`ops-${unique()}@example.org`, { verified: true, claims: { admin: true } });
    expect((await getAi(ai.ai_uuid, `Bearer ${claimToken}`)).status).toBe(200);
  });

  it("refuses a Firebase user who is not the admin with a 403", async () => {
    const ai = await newAi("Firebase user");
    const stranger = await idTokenFor(`stranger-${unique()}@example.org`, { verified: true });
    const response = await getAi(ai.ai_uuid, `Bearer ${stranger}`);
    expect(response.status).toBe(403);
    expect(response.body.error.code).toBe("permission_denied");
  });
});

describe("ai_token", () => {
  it("reaches its own AI", async () => {
    const ai = await newAi("Own");
    expect((await getAi(ai.ai_uuid, bearer(ai))).status).toBe(200);
  });

  const cases: Array<[string, (aiUuid: string) => string | undefined]> = [
    ["no Authorization header", () => undefined],
    ["a non-bearer scheme", () => `Basic ${Buffer.from("admin:admin").toString("base64")}`],
    ["garbage", () => "Bearer not-a-token"],
    ["a wrong admin key", () => `Bearer ${config.adminApiKey}x`],
    ["a token signed with another secret", (aiUuid) => `Bearer ${signAiToken("another-secret", aiUuid, 1, 600).token}`],
    [
      "an expired token",
      (aiUuid) =>
        `Bearer ${jwt.sign({ tv: 1, exp: Math.floor(Date.now() / 1000) - 60 }, config.jwtSecret, { algorithm: "HS256", issuer: AI_TOKEN_ISSUER, audience: AI_TOKEN_AUDIENCE, subject: aiUuid })}`,
    ],
    [
      "alg none",
      (aiUuid) =>
        `Bearer ${jwt.sign({ tv: 1 }, "", { algorithm: "none", issuer: AI_TOKEN_ISSUER, audience: AI_TOKEN_AUDIENCE, subject: aiUuid })}`,
    ],
    [
      "HS512 instead of HS256",
      (aiUuid) =>
        `Bearer ${jwt.sign({ tv: 1 }, config.jwtSecret, { algorithm: "HS512", issuer: AI_TOKEN_ISSUER, audience: AI_TOKEN_AUDIENCE, subject: aiUuid })}`,
    ],
    [
      "a wrong audience",
      (aiUuid) =>
        `Bearer ${jwt.sign({ tv: 1 }, config.jwtSecret, { algorithm: "HS256", issuer: AI_TOKEN_ISSUER, audience: "someone-else", subject: aiUuid })}`,
    ],
    ["a stale token_version", (aiUuid) => `Bearer ${signAiToken(config.jwtSecret, aiUuid, 0, 600).token}`],
  ];

  it.each(cases)("answers 401 for %s", async (_name, credential) => {
    const ai = await newAi("Guarded");
    const response = await getAi(ai.ai_uuid, credential(ai.ai_uuid));
    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe("unauthenticated");
  });

  it("says when a token expired", async () => {
    const ai = await newAi("Expired");
    const expired = jwt.sign({ tv: 1, exp: Math.floor(Date.now() / 1000) - 1 }, config.jwtSecret, {
      algorithm: "HS256",
      issuer: AI_TOKEN_ISSUER,
      audience: AI_TOKEN_AUDIENCE,
      subject: ai.ai_uuid,
    });
    const response = await getAi(ai.ai_uuid, `Bearer ${expired}`);
    expect(response.body.error.message).toContain("expired");
  });

  it("is revoked, with every other token of the AI, by revoke_tokens; a new handshake works again", async () => {
    const ai = await newAi("Revoked");
    const second = await request(app).post("/v1/handshake").set("Authorization", ADMIN).send({ ai_uuid: ai.ai_uuid });
    const revoke = await request(app).post(`/v1/ais/${ai.ai_uuid}/revoke_tokens`).set("Authorization", bearer(ai));
    expect(revoke.status).toBe(200);
    expect(revoke.body.token_version).toBe(2);
    expect((await getAi(ai.ai_uuid, bearer(ai))).status).toBe(401);
    expect((await getAi(ai.ai_uuid, `Bearer ${second.body.tokens.ai_token}`)).status).toBe(401);
    const fresh = await request(app).post("/v1/handshake").set("Authorization", ADMIN).send({ ai_uuid: ai.ai_uuid });
    expect((await getAi(ai.ai_uuid, `Bearer ${fresh.body.tokens.ai_token}`)).status).toBe(200);
  });

  it("stops working when the AI is disabled", async () => {
    const ai = await newAi("Disabled");
    const disable = await request(app)
      .patch(`/v1/ais/${ai.ai_uuid}`)
      .set("Authorization", ADMIN)
      .send({ status: "disabled" });
    expect(disable.status).toBe(200);
    expect((await getAi(ai.ai_uuid, bearer(ai))).status).toBe(401);
  });
});
