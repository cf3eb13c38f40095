import functionsTest from "firebase-functions-test";
import { afterAll, describe, expect, it } from "vitest";
import { composeTriggerDeps } from "../../src/compose";
import { emitEvent } from "../../src/events/relay-service";
import { roomCollection } from "../../src/events/room-events";
import { onMemoryChange } from "../../src/index";
import { createMemory } from "../../src/memory/memory-service";
import { memoryCounts, updateAi } from "../../src/memory/registry-service";
import { embeddingsCollection } from "../../src/search/embedding-service";
import { newAi, PROJECT_ID } from "../../../test-support/emulator";

/**
 * The exported trigger itself, as the platform calls it: firebase-functions-test wraps
 * `onMemoryChange` and hands it a real Firestore document event, the room event a change wrote,
 * as Firestore stored it. The trigger composes its own dependencies (compose.ts) from the params,
 * as deployed. Here the params name an embedder (the tests' stand-in model) that the copy the
 * Functions emulator runs on every event has not got: an embedding is the wrapped run's own work.
 */
process.env.EMBEDDING_MODEL = "test-embedding";
process.env.EMBEDDING_DIMENSIONS = "8";
const functions = functionsTest({ projectId: PROJECT_ID });
afterAll(() => functions.cleanup());

/** The AI's room event of one memory change, as a document snapshot. */
async function eventOf(aiUuid: string, memoryId: string, action: string) {
  const { db } = composeTriggerDeps();
  const room = await roomCollection(db, aiUuid).get();
  return room.docs.find((doc) => doc.get("data.memory_id") === memoryId && doc.get("data.action") === action)!;
}

describe("onMemoryChange, wrapped with firebase-functions-test", () => {
  it("embeds the new memory once, and leaves no more working memory than the AI's limit", async () => {
    // The trigger's own Firestore instance, configured before any other use of it.
    const { db } = composeTriggerDeps();
    const ai = await newAi("Wrapped trigger");
    let newest = "";
    for (let index = 0; index < 8; index += 1) {
      const { memory } = await createMemory(db, ai.ai_uuid, "working_memory", { content: `a note, number ${index}` });
      newest = memory.id;
    }
    await updateAi(db, ai.ai_uuid, { settings: { working_memory_limit: 5 } });
    // The event of the newest memory's creation (the emulator's copy may have written `moved` ones since).
    const event = await eventOf(ai.ai_uuid, newest, "created");
    const run = functions.wrap(onMemoryChange);

    expect(await run({ data: event, params: { ai_uuid: ai.ai_uuid, event_id: event.id } })).toBe("embedded");
    const embedding = await embeddingsCollection(db, ai.ai_uuid).doc(newest).get();
    expect(embedding.get("embedding").toArray()).toHaveLength(8);
    // The Functions emulator's copy of the trigger may consolidate too (it reads the lowered limit
    // when its runs on these events come late): either way the oldest are archived, none is lost.
    const counts = await memoryCounts(db, ai.ai_uuid);
    expect(counts.working_memory).toBeLessThanOrEqual(5);
    expect(counts.working_memory + counts.archive).toBe(8);

    // Delivered again (delivery is at least once): nothing is embedded or moved twice.
    expect(await run({ data: event, params: { ai_uuid: ai.ai_uuid, event_id: event.id } })).toBe("unchanged");
    expect(await memoryCounts(db, ai.ai_uuid)).toEqual(counts);
  });

  it("returns at once on a client's message", async () => {
    const { db } = composeTriggerDeps();
    const ai = await newAi("Wrapped trigger and a message");
    await emitEvent(db, ai.ai_uuid, { event: "message", data: { text: "hello" }, sender: { kind: "system" } });
    const [event] = (await roomCollection(db, ai.ai_uuid).get()).docs;

    const outcome = await functions.wrap(onMemoryChange)({
      data: event,
      params: { ai_uuid: ai.ai_uuid, event_id: event.id },
    });

    expect(outcome).toBe("ignored");
  });
});
