import { Annotation, END, type LangGraphRunnableConfig, START, StateGraph } from "@langchain/langgraph";
import { describe, expect, it } from "vitest";
import { newAi } from "../../test-support/emulator";
import { AiMemoryStore } from "../src/langgraph";
import { aiClient } from "./helpers";

const State = Annotation.Root({
  userId: Annotation<string>,
  fact: Annotation<string>,
  recalled: Annotation<string[]>,
});

/** A graph whose first node stores a fact in the store, and whose second searches it back. */
const graphWith = (store: AiMemoryStore) =>
  new StateGraph(State)
    .addNode("remember", async (state, config: LangGraphRunnableConfig) => {
      await config.store?.put(["users", state.userId, "facts"], "home", { text: state.fact, kind: "home" });
      return {};
    })
    .addNode("recall", async (state, config: LangGraphRunnableConfig) => {
      const found = (await config.store?.search(["users", state.userId], { query: "where does the user live" })) ?? [];
      return { recalled: found.map((item) => String(item.value.text)) };
    })
    .addEdge(START, "remember")
    .addEdge("remember", "recall")
    .addEdge("recall", END)
    .compile({ store });

describe("ai-memory-client/langgraph", () => {
  it("is the store of a compiled graph that puts and searches; keys map to memories one to one", async () => {
    const ai = await newAi("LangGraph");
    const client = aiClient(ai);
    const store = new AiMemoryStore({ client, aiUuid: ai.ai_uuid });
    const result = await graphWith(store).invoke({ userId: "u1", fact: "The user lives in Lyon." });
    expect(result.recalled).toEqual(["The user lives in Lyon."]);

    await store.put(["users", "u1", "facts"], "home", { text: "The user lives in Paris.", kind: "home" });
    const item = await store.get(["users", "u1", "facts"], "home");
    expect(item).toMatchObject({
      namespace: ["users", "u1", "facts"],
      key: "home",
      value: { text: "The user lives in Paris." },
    });
    const memories = await client.memories.list(ai.ai_uuid, { memory_type: "long_term_memory" });
    expect(memories.memories).toHaveLength(1);
    expect(memories.memories[0]).toMatchObject({ version: 2, content: { text: "The user lives in Paris." } });
    expect(await store.get(["users", "u1", "facts"], "work")).toBeNull();

    await store.put(["users", "u2", "prefs"], "editor", { text: "vim", kind: "pref" });
    await store.put(["teams", "t1"], "name", { text: "Blue", kind: "team" });
    expect((await store.search(["users"])).map((found) => found.key).sort()).toEqual(["editor", "home"]);
    expect((await store.search(["users"], { filter: { kind: "pref" } })).map((found) => found.key)).toEqual(["editor"]);
    expect(await store.listNamespaces()).toEqual([
      ["teams", "t1"],
      ["users", "u1", "facts"],
      ["users", "u2", "prefs"],
    ]);
    expect(await store.listNamespaces({ prefix: ["users"], maxDepth: 2 })).toEqual([
      ["users", "u1"],
      ["users", "u2"],
    ]);
    expect(await store.listNamespaces({ suffix: ["prefs"] })).toEqual([["users", "u2", "prefs"]]);
    expect(await store.listNamespaces({ prefix: ["users", "*", "facts"] })).toEqual([["users", "u1", "facts"]]);

    await store.delete(["users", "u1", "facts"], "home");
    expect(await store.get(["users", "u1", "facts"], "home")).toBeNull();
    await store.delete(["users", "u1", "facts"], "home");
  });
});
