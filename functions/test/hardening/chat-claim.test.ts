import type { Express } from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chatApp, chatAs, storedFor } from "../../../test-support/chat-app";
import { newAi } from "../../../test-support/emulator";
import type { FakeOpenAi } from "../../../test-support/fake-openai-server";

let app: Express;
let fake: FakeOpenAi;
beforeAll(async () => ({ app, fake } = await chatApp({ timeoutMs: 5000 })));
afterAll(() => fake.close());

/** The model calls whose messages carry this marker. */
const callsWith = (marker: string) =>
  fake.requests.filter(
    (recorded) => recorded.path.endsWith("/chat/completions") && JSON.stringify(recorded.body).includes(marker),
  );

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("concurrent retries of one chat with the same Idempotency-Key", () => {
  it.each([false, true])(
    "call the model once (stream: %s): the retry waits for the first answer and replays it",
    async (stream) => {
      const ai = await newAi("Impatient client");
      const marker = `claim-${stream}-${Date.now()}`;
      const send = () =>
        chatAs(
          app,
          ai,
          { model: "slow-1200", stream, messages: [{ role: "user", content: marker }] },
          { "Idempotency-Key": marker },
        );
      const first = send();
      await sleep(400);
      const second = await send();
      const winner = await first;
      expect(winner.status).toBe(200);
      expect(second.status).toBe(200);
      expect(callsWith(marker)).toHaveLength(1);
      // The retry answers what was stored: the same completion, streamed or not.
      const idOf = (answer: { text: string; body: { id?: string } }) =>
        stream ? /"id":"([^"]+)"/.exec(answer.text)?.[1] : answer.body.id;
      expect(idOf(second)).toBe(idOf(winner));
      if (!stream) expect(second.body).toEqual(winner.body);
      const stored = await storedFor(ai.ai_uuid);
      expect(stored.chats).toBe(1);
    },
  );

  it("lets a retry call the model again at once when the first call failed", async () => {
    const ai = await newAi("Failed first");
    const marker = `failed-${Date.now()}`;
    const send = (model: string) =>
      chatAs(app, ai, { model, messages: [{ role: "user", content: marker }] }, { "Idempotency-Key": marker });
    expect((await send("fail-500")).status).toBeGreaterThanOrEqual(500);
    expect((await send("test-model")).status).toBe(200);
  });
});
