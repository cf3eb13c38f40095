import { randomUUID } from "node:crypto";
import request from "supertest";
import type { AppConfig } from "../../src/config";
import { createApp } from "../../src/http/app";
import type { ModelDeps } from "../../src/models/model-client";
import { auth, config, deps, type HandshakeBody } from "../../../test-support/emulator";

/** Real Auth-emulator users for the multi-user suites: each signs in and calls with their own ID token. */

const AUTH_EMULATOR = `http://${process.env.FIREBASE_AUTH_EMULATOR_HOST}`;
const PASSWORD = "correct horse battery staple";

export interface TestUser {
  uid: string;
  email: string;
  idToken: string;
  bearer: string;
}

/** An app like the deployed one, with the sign-up policy the suite needs (open unless told). */
export const appWith = (changes: Partial<AppConfig> = {}, models: ModelDeps = deps.models) =>
  createApp({ ...deps, models, config: { ...config, signupPolicy: "open", ...changes } });

/** Signs in with the Auth emulator's REST API, as the web SDK does, and returns a real ID token. */
export async function signIn(email: string, password = PASSWORD): Promise<string> {
  const response = await fetch(
    `${AUTH_EMULATOR}/identitytoolkit.googleapis.com/v1/accounts:signInWithPassword?key=fake-api-key`,
    {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ email, password, returnSecureToken: true }),
    },
  );
  const answer = (await response.json()) as { idToken?: string; error?: { message: string } };
  if (!answer.idToken) throw new Error(`sign-in of ${email} failed: ${answer.error?.message}`);
  return answer.idToken;
}

/** A new user on the Auth emulator (verified email unless told), signed in. */
export async function newUser(name = "user", options: { verified?: boolean; domain?: string } = {}): Promise<TestUser> {
  const email = `${name}-${randomUUID().slice(0, 8)}@${options.domain ?? "example.org"}`;
  const user = await auth.createUser({ email, password: PASSWORD, emailVerified: options.verified ?? true });
  const idToken = await signIn(email);
  return { uid: user.uid, email, idToken, bearer: `Bearer ${idToken}` };
}

/** An anonymous user, as `signInAnonymously` makes one. */
export async function anonymousUser(): Promise<TestUser> {
  const response = await fetch(`${AUTH_EMULATOR}/identitytoolkit.googleapis.com/v1/accounts:signUp?key=fake-api-key`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ returnSecureToken: true }),
  });
  const answer = (await response.json()) as { idToken: string; localId: string };
  return { uid: answer.localId, email: "", idToken: answer.idToken, bearer: `Bearer ${answer.idToken}` };
}

type App = ReturnType<typeof createApp>;

/** A handshake as the user: their new AI. */
export async function newAiOf(app: App, user: TestUser, name = "Users AI"): Promise<HandshakeBody> {
  const response = await request(app).post("/v1/handshake").set("Authorization", user.bearer).send({ ai_name: name });
  if (response.status !== 201) throw new Error(`handshake failed: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body as HandshakeBody;
}
