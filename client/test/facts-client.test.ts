import { describe, expect, it } from "vitest";
import { db, newAi } from "../../functions/test/support/emulator";
import { supersedeByHand } from "../../functions/test/support/facts";
import { ConflictError, NotFoundError, PermissionDeniedError } from "../src";
import { adminClient, aiClient } from "./helpers";

describe("AiMemory: superseded facts and extraction records", () => {
  it("finds a superseded fact only when asked, restores it as the admin, and lists extraction records", async () => {
    const ai = await newAi("SDK facts");
    const admin = adminClient();
    const create = (content: string) => admin.memories.create({ ai_uuid: ai.ai_uuid, memory_type: "long_term_memory", memory_data: content });
    const lyon = await create("The user lives in Lyon.");
    const paris = await create("The user lives in Paris.");
    await supersedeByHand(db, ai.ai_uuid, lyon.id, paris.id);

    const current = await admin.memories.search(ai.ai_uuid, { query: "where does the user live" });
    expect(current.results.map((hit) => hit.id)).toEqual([paris.id]);
    const past = await admin.memories.search(ai.ai_uuid, { query: "where does the user live", include_superseded: true });
    expect(past.results.find((hit) => hit.id === lyon.id)).toMatchObject({ superseded_by: paris.id, invalidated_at: expect.any(String) });

    await expect(aiClient(ai).memories.restore(ai.ai_uuid, "long_term_memory", lyon.id)).rejects.toBeInstanceOf(PermissionDeniedError);
    const restored = await admin.memories.restore(ai.ai_uuid, "long_term_memory", lyon.id);
    expect(restored).toMatchObject({ id: lyon.id, version: 3, restored_exchange_ids: [] });
    expect(restored.invalidated_at).toBeUndefined();
    await expect(admin.memories.restore(ai.ai_uuid, "long_term_memory", lyon.id)).rejects.toBeInstanceOf(ConflictError);

    expect(await admin.extractions.list(ai.ai_uuid, { status: "failed", limit: 5 })).toEqual({ extractions: [] });
    await expect(admin.extractions.retrieve(ai.ai_uuid, "no-such-chat")).rejects.toBeInstanceOf(NotFoundError);
  });
});
