import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import { newAi } from "./support/emulator";
import { functionUrl } from "./support/function-url";
import { releaseShared } from "./support/fake-openai-server";

/**
 * Streaming through the URL the README recommends, the `api` function's own: the first chunk must
 * reach the client while the model is still holding back the rest of its answer.
 */
describe("stream: true through the function's own URL", () => {
  it("delivers the first chunk before the model has finished", async () => {
    const ai = await newAi("Incremental");
    const client = new OpenAI({ baseURL: `${await functionUrl()}/v1`, apiKey: ai.tokens.ai_token, maxRetries: 0, timeout: 30_000 });
    const gate = `g${Date.now()}`;
    const stream = await client.chat.completions.create({ model: `hold-${gate}`, stream: true, messages: [{ role: "user", content: "one two three four" }] });
    const chunks = stream[Symbol.asyncIterator]();
    const first = await chunks.next();
    expect(first.value?.choices[0].delta.content).toBe("Echo: ");
    // The model is still holding the rest: releasing it now proves the first chunk came through alone.
    expect(await releaseShared(gate)).toBe(true);
    let text = first.value!.choices[0].delta.content!;
    let memory: unknown;
    for (let next = await chunks.next(); !next.done; next = await chunks.next()) {
      text += next.value.choices[0]?.delta?.content ?? "";
      memory ??= (next.value as unknown as { memory?: unknown }).memory;
    }
    expect(text).toBe("Echo: one two three four");
    expect(memory).toMatchObject({ stored_memory_ids: [expect.any(String)] });
  });
});
