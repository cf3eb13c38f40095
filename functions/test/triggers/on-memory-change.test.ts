import functionsTest from "firebase-functions-test";
import { afterAll, describe, expect, it } from "vitest";
import { composeTriggerDeps } from "../../src/compose";
import { emitEvent } from "../../src/events/relay-service";
import { roomCollection } from "../../src/events/room-events";
import { onMemoryChange } from "../../src/index";
import { createMemory } from "../../src/memory/memory-service";
import { memoryCounts, updateAi } from "../../src/memory/registry-service";
import { newAi, PROJECT_ID } from "../../../test-support/emulator";

/**
 * The exported trigger itself, as the platform calls it: firebase-functions-test wraps
 * `onMemoryChange` and hands it a real Firestore document event, the room event a change wrote,
 * as Firestore stored it. The trigger composes its own dependencies (compose.ts), as deployed.
 */
const functions = functionsTest({ projectId: PROJECT_ID });
afterAll(() => functions.cleanup());

/** The newest event of the AI's room, as a document snapshot. */
async function newestEvent(aiUuid: string) {
  const { db } = composeTriggerDeps();
  const snapshot = await roomCollection(db, aiUuid).orderBy("at", "desc").limit(1).get();
  return snapshot.docs[0];
}

describe("onMemoryChange, wrapped with firebase-functions-test", () => {
  it("archives the working memory an AI holds past its limit, on the event of a new working memory", async () => {
    // The trigger's own Firestore instance, configured before any other use of it.
    const { db } = composeTriggerDeps();
    const ai = await newAi("Wrapped trigger");
    for (let index = 0; index < 8; index += 1) {
      await createMemory(db, ai.ai_uuid, "working_memory", { content: `a note to keep, number ${index}` });
    }
    // Lowered after the writes, so the deployed trigger in the Functions emulator, which ran on
    // each of them under the default limit, left all eight in place.
    await updateAi(db, ai.ai_uuid, { settings: { working_memory_limit: 5 } });
    expect((await memoryCounts(db, ai.ai_uuid)).working_memory).toBe(8);
    const event = await newestEvent(ai.ai_uuid);
    const run = functions.wrap(onMemoryChange);

    const embedding = await run({ data: event, params: { ai_uuid: ai.ai_uuid, event_id: event.id } });

    // No embedder is configured in the tests: the embedding step says so.
    expect(embedding).toBe("skipped");
    const counts = await memoryCounts(db, ai.ai_uuid);
    expect(counts.working_memory).toBeLessThanOrEqual(5);
    expect(counts.working_memory + counts.archive).toBe(8);
  });

  it("returns at once on a client's message", async () => {
    const { db } = composeTriggerDeps();
    const ai = await newAi("Wrapped trigger and a message");
    await emitEvent(db, ai.ai_uuid, { event: "message", data: { text: "hello" }, sender: { kind: "system" } });
    const event = await newestEvent(ai.ai_uuid);

    const outcome = await functions.wrap(onMemoryChange)({
      data: event,
      params: { ai_uuid: ai.ai_uuid, event_id: event.id },
    });

    expect(outcome).toBe("ignored");
  });
});
