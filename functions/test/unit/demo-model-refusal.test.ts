import { describe, expect, it } from "vitest";
import { DEMO_MODEL, openAiModels } from "../../src/models/model-client";

const config = (model: string) => ({
  openai: { apiKey: "no-key-needed", baseUrl: "http://127.0.0.1:1/v1", model },
  embedding: { model: "", baseUrl: "", dimensions: 8 },
});

describe("the local demo model", () => {
  it("is refused outside the emulators, with a 503 that says why, before any call", async () => {
    expect(process.env.FUNCTIONS_EMULATOR).toBeUndefined();
    const chat = openAiModels(config(DEMO_MODEL)).chat!;
    await expect(chat.complete({ model: DEMO_MODEL, messages: [] })).rejects.toMatchObject({
      code: "unavailable",
      message: expect.stringMatching(/local demo model of the emulators, refused in a deployed project/),
    });
    expect(openAiModels(config("gpt-4o-mini")).chat?.defaultModel).toBe("gpt-4o-mini");
  });
});
