import jwt from "jsonwebtoken";
import request from "supertest";
import { beforeAll, describe, expect, it } from "vitest";
import { AI_TOKEN_AUDIENCE, AI_TOKEN_ISSUER } from "../../src/auth/ai-token";
import { app, config, type HandshakeBody, newAi } from "../support/emulator";

// Tokens signed with the right secret whose claims are still wrong: a 401 on every route (in
// OpenAI's shape on the chat route), never a 500 from a `sub` that cannot name a document.

const signed = (claims: object, options: jwt.SignOptions = {}) =>
  jwt.sign(claims, config.jwtSecret, { algorithm: "HS256", issuer: AI_TOKEN_ISSUER, audience: AI_TOKEN_AUDIENCE, expiresIn: 60, ...options });

const FORGED: Record<string, () => string> = {
  "an empty sub": () => signed({ tv: 1, sub: "" }),
  "a reserved sub (__x__)": () => signed({ tv: 1 }, { subject: "__x__" }),
  "a sub with a slash": () => signed({ tv: 1 }, { subject: "a/b" }),
  "a sub of dots": () => signed({ tv: 1 }, { subject: ".." }),
  "a sub over 1,500 bytes": () => signed({ tv: 1 }, { subject: "x".repeat(1501) }),
  "a sub that is not a UUID": () => signed({ tv: 1 }, { subject: "not-a-uuid" }),
  "a numeric sub": () => signed({ tv: 1, sub: 42 }),
  "no sub": () => signed({ tv: 1 }),
  "no token version": () => signed({}, { subject: "00000000-0000-4000-8000-000000000000" }),
  "a string token version": () => signed({ tv: "1" }, { subject: "00000000-0000-4000-8000-000000000000" }),
  "alg none": () => `${Buffer.from('{"alg":"none","typ":"JWT"}').toString("base64url")}.${Buffer.from(JSON.stringify({ sub: "x", tv: 1, iss: AI_TOKEN_ISSUER, aud: AI_TOKEN_AUDIENCE })).toString("base64url")}.`,
};

let ai: HandshakeBody;
beforeAll(async () => {
  ai = await newAi("Forgery Target");
});

const routes = () => [
  { method: "post" as const, path: "/v1/handshake", body: { ai_uuid: ai.ai_uuid } },
  { method: "post" as const, path: "/create_memory", body: { ai_uuid: ai.ai_uuid, memory_type: "working_memory", memory_data: "x" } },
  { method: "get" as const, path: `/v1/ais/${ai.ai_uuid}`, body: undefined },
  { method: "get" as const, path: `/v1/ais/${ai.ai_uuid}/memories`, body: undefined },
  { method: "post" as const, path: "/v1/relay", body: { action: "join", ai_uuid: ai.ai_uuid } },
];

describe("a JWT signed with the right secret but forged claims", () => {
  for (const [name, token] of Object.entries(FORGED)) {
    it(`${name}: 401 on every route`, async () => {
      for (const route of routes()) {
        const response = await request(app)[route.method](route.path).set("Authorization", `Bearer ${token()}`).send(route.body);
        expect(response.status, `${route.path} ${JSON.stringify(response.body)}`).toBe(401);
        expect(response.body.error.code).toBe("unauthenticated");
      }
      const chat = await request(app)
        .post("/v1/chat/completions")
        .set("Authorization", `Bearer ${token()}`)
        .send({ messages: [{ role: "user", content: "hi" }] });
      expect(chat.status).toBe(401);
      expect(chat.body.error).toMatchObject({ type: "authentication_error", code: "unauthenticated" });
    });
  }
});
