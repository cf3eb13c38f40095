import { afterAll, describe, expect, it } from "vitest";
import { BASE_OFFSET, removeStackFiles, type RunningStack, startStack, stopStack } from "./stack-process";

/** Two `npm start`s at once, as two checkouts or two developers run them: neither sees the other's data or key. */
const NAME = "two-stacks";
const OFFSETS = [BASE_OFFSET, BASE_OFFSET + 1000] as const;
const KEYS = ["local-admin-first-stack-key", "local-admin-second-stack-key"];
let running: RunningStack[] = [];

afterAll(async () => {
  await Promise.all(running.map(stopStack));
  for (const offset of OFFSETS) removeStackFiles(NAME, offset);
});

const startBoth = async () =>
  (running = await Promise.all(
    OFFSETS.map((offset, index) => startStack(NAME, offset, { ADMIN_API_KEY: KEYS[index] })),
  ));

async function api(stack: RunningStack, path: string, init: RequestInit = {}, key = stack.values.AI_MEMORY_ADMIN_KEY) {
  const response = await fetch(`${stack.values.AI_MEMORY_URL}${path}`, {
    ...init,
    headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" },
  });
  return { status: response.status, body: await response.json() };
}

describe("two stacks side by side", () => {
  it("each keeps its own project, admin key and data, across a restart of both", async () => {
    for (const offset of OFFSETS) removeStackFiles(NAME, offset);
    const [first, second] = await startBoth();
    expect(first.values.AI_MEMORY_PROJECT_ID).not.toBe(second.values.AI_MEMORY_PROJECT_ID);
    expect([first.values.AI_MEMORY_ADMIN_KEY, second.values.AI_MEMORY_ADMIN_KEY]).toEqual(KEYS);

    const made = await Promise.all(
      running.map((stack, index) =>
        api(stack, "/v1/handshake", { method: "POST", body: JSON.stringify({ ai_name: `Stack ${index}` }) }),
      ),
    );
    expect(made.map((answer) => answer.status)).toEqual([201, 201]);
    const [mine, theirs] = made.map((answer) => answer.body.ai_uuid as string);
    // The first stack's key still works on the first stack once the second is up, and only there.
    expect((await api(first, `/v1/ais/${mine}`)).status).toBe(200);
    expect((await api(second, `/v1/ais/${mine}`, {}, KEYS[0])).status).toBe(401);
    expect((await api(second, `/v1/ais/${mine}`)).status).toBe(404);
    expect((await api(first, `/v1/ais/${theirs}`)).status).toBe(404);

    await Promise.all(running.map(stopStack));
    const [firstAgain, secondAgain] = await startBoth();
    expect((await api(firstAgain, `/v1/ais/${mine}`)).body).toMatchObject({ ai_uuid: mine, ai_name: "Stack 0" });
    expect((await api(secondAgain, `/v1/ais/${theirs}`)).body).toMatchObject({ ai_uuid: theirs, ai_name: "Stack 1" });
    expect((await api(firstAgain, `/v1/ais/${theirs}`)).status).toBe(404);
    expect((await api(secondAgain, `/v1/ais/${mine}`)).status).toBe(404);
  });
});
