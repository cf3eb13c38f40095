import { describe, expect, it } from "vitest";
import { HOSTING_URL, newAi } from "../../functions/test/support/emulator";
import { releaseShared } from "../../functions/test/support/fake-openai-server";
import { functionUrl } from "../../functions/test/support/function-url";
import { AiMemory, NotFoundError, RateLimitError, ServiceUnavailableError, UpstreamError } from "../src";
import { adminClient, aiClient } from "./helpers";

interface Sent {
  method: string;
  url: string;
  headers: Record<string, string>;
}

/** A fetch that answers the given statuses in turn (the last one repeats) and records what it was sent. */
function scripted(statuses: number[], headers: Record<string, string> = {}) {
  const sent: Sent[] = [];
  const fetchSpy = (async (url: string, init: RequestInit) => {
    sent.push({ method: String(init.method), url, headers: init.headers as Record<string, string> });
    const status = statuses[Math.min(sent.length - 1, statuses.length - 1)];
    const body = status < 400 ? { id: "m1" } : { error: { code: "unavailable", message: `status ${status}` } };
    return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });
  }) as unknown as typeof fetch;
  return { sent, client: new AiMemory({ baseURL: "http://api.test", apiKey: "k", fetch: fetchSpy }) };
}

const create = (client: AiMemory) => client.memories.create({ ai_uuid: "00000000-0000-4000-8000-000000000000", memory_type: "archive", memory_data: "x" });

describe("maxRetries", () => {
  it("retries a create after a 503 with the same automatic Idempotency-Key", async () => {
    const { sent, client } = scripted([503, 201], { "retry-after": "0" });
    expect(await create(client)).toEqual({ id: "m1" });
    expect(sent).toHaveLength(2);
    const keys = sent.map((request) => request.headers["idempotency-key"]);
    expect(keys[0]).toMatch(/^[\w-]{16,}$/);
    expect(keys[1]).toBe(keys[0]);
    // Each create has a key of its own.
    await create(client);
    expect(sent[2].headers["idempotency-key"]).not.toBe(keys[0]);
  });

  it("gives up after maxRetries, and never repeats a call the server cannot deduplicate", async () => {
    const failing = scripted([503], { "retry-after": "0" });
    await expect(create(failing.client)).rejects.toBeInstanceOf(ServiceUnavailableError);
    expect(failing.sent).toHaveLength(3);
    const edit = scripted([503], { "retry-after": "0" });
    await expect(edit.client.memories.edit({ ai_uuid: "u", memory_type: "archive", memory_id: "m", memory_data: "y" })).rejects.toBeInstanceOf(ServiceUnavailableError);
    expect(edit.sent).toHaveLength(1);
    const missing = scripted([404]);
    await expect(missing.client.ais.retrieve("u")).rejects.toBeInstanceOf(NotFoundError);
    expect(missing.sent).toHaveLength(1);
  });

  it("does not sleep through a Retry-After longer than a minute: the error is the caller's", async () => {
    const { sent, client } = scripted([429], { "retry-after": "3600" });
    await expect(client.ais.list()).rejects.toBeInstanceOf(RateLimitError);
    expect(sent).toHaveLength(1);
  });
});

describe("the REST resources against the API", () => {
  it("lists AIs, searches, pages memories, reads history, exports and imports", async () => {
    const ai = await newAi("SDK Resources");
    const api = aiClient(ai);
    expect((await adminClient().ais.list({ limit: 200 })).ais.map((entry) => entry.ai_uuid)).toContain(ai.ai_uuid);
    const made = await api.memories.create({ ai_uuid: ai.ai_uuid, memory_type: "long_term_memory", memory_data: { content: "Speaks Portuguese and Greek", tags: ["languages"] } });
    const hits = await api.memories.search(ai.ai_uuid, { query: "does the user speak Portuguese?" });
    expect(hits.results[0]).toMatchObject({ id: made.id, score: expect.any(Number) });
    expect((await api.memories.list(ai.ai_uuid, { tags: "languages", limit: 5 })).memories.map((memory) => memory.id)).toEqual([made.id]);
    await api.memories.edit({ ai_uuid: ai.ai_uuid, memory_type: "long_term_memory", memory_id: made.id, memory_data: "Speaks Portuguese, Greek and Welsh" });
    expect((await api.memories.history(ai.ai_uuid, "long_term_memory", made.id)).versions.map((version) => version.version)).toEqual([1]);
    const exported = await api.ais.export(ai.ai_uuid);
    expect(exported.memories.map((memory) => memory.content)).toEqual(["Speaks Portuguese, Greek and Welsh"]);
    const copy = await adminClient().ais.create({ ai_name: "SDK Copy" });
    const imported = await adminClient().ais.import(copy.ai_uuid, { memories: exported.memories.map(({ memory_type, content, tags }) => ({ memory_type, content, tags })) });
    expect(imported.imported).toBe(1);
    expect((await adminClient().models.list()).data.map((model) => model.id)).toContain("test-model");
  });
});

describe("streaming chat", () => {
  it("streams the answer, then the memory report; a model failure before the stream is the status's error", async () => {
    const ai = await newAi("SDK Stream");
    const stream = await aiClient(ai).chat.completions.create({ model: "test-model", stream: true, messages: [{ role: "user", content: "stream this please" }] });
    expect(await stream.text()).toBe("Echo: stream this please");
    expect(stream.memory).toMatchObject({ session_id: expect.any(String), stored_memory_ids: [expect.any(String)] });
    await expect(aiClient(ai).withOptions({ maxRetries: 0 }).chat.completions.create({ model: "fail-500", stream: true, messages: [{ role: "user", content: "x" }] })).rejects.toBeInstanceOf(UpstreamError);
  });

  it("sends streams to streamingBaseURL, the function's own URL, where chunks arrive before the model has finished", async () => {
    const ai = await newAi("SDK Incremental");
    const api = new AiMemory({ baseURL: HOSTING_URL, streamingBaseURL: await functionUrl(), apiKey: ai.tokens.ai_token });
    const gate = `sdk${Date.now()}`;
    const stream = await api.chat.completions.create({ model: `hold-${gate}`, stream: true, messages: [{ role: "user", content: "alpha beta gamma" }] });
    const chunks = stream[Symbol.asyncIterator]();
    expect((await chunks.next()).value?.choices[0].delta.content).toBe("Echo: ");
    expect(await releaseShared(gate)).toBe(true);
    let rest = "";
    for (let next = await chunks.next(); !next.done; next = await chunks.next()) rest += next.value.choices[0]?.delta?.content ?? "";
    expect(rest).toBe("alpha beta gamma");
    expect(stream.memory?.stored_memory_ids).toHaveLength(1);
  });
});
