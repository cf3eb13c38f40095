import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Express } from "express";
import { routeDocs, type RouteDoc } from "../src/http/openapi";
import { chatApp } from "../../test-support/chat-app";
import { ADMIN, bearer, db, type newAi } from "../../test-support/emulator";
import { supersedeByHand } from "../../test-support/facts";
import type { FakeOpenAi } from "../../test-support/fake-openai-server";

/** `/openapi.json` as a contract: every operation documented, and every real answer as documented. */

interface Operation {
  operationId?: string;
  tags?: string[];
  parameters?: Array<{ name: string; in: string; schema: Record<string, unknown> }>;
  responses: Record<string, { content?: Record<string, { schema: { $ref?: string } }> }>;
}

let app: Express;
let fake: FakeOpenAi;
beforeAll(async () => ({ app, fake } = await chatApp()));
afterAll(() => fake.close());

const templateOf = (route: RouteDoc) => new RegExp(`^${route.path.replace(/\{\w+\}/g, "[^/]+")}$`);
const literalSegments = (route: RouteDoc) =>
  route.path.split("/").filter((part) => part && !part.startsWith("{")).length;

/** Sends a request and holds its answer to the schema documented for its route and status. */
async function documented(method: RouteDoc["method"], path: string, credential: string, body?: unknown) {
  const answer = await request(app)
    [method](path)
    .set("Authorization", credential)
    .send(body as object);
  const route = routeDocs()
    .filter((candidate) => candidate.method === method && templateOf(candidate).test(path.split("?")[0]))
    .sort((a, b) => literalSegments(b) - literalSegments(a))[0];
  expect(route, `${method} ${path} is documented`).toBeDefined();
  const schema = route.responses?.[answer.status];
  expect(
    schema,
    `${method} ${path}: status ${answer.status} is documented (${JSON.stringify(answer.body).slice(0, 300)})`,
  ).toBeDefined();
  expect(schema!.safeParse(answer.body).error?.issues ?? [], `${method} ${path}`).toEqual([]);
  return answer.body;
}

describe("GET /openapi.json", () => {
  it("gives every operation an operationId, a tag, a success schema and an error schema; the chat routes' errors in OpenAI's shape", async () => {
    const document = (await request(app).get("/openapi.json")).body as {
      paths: Record<string, Record<string, Operation>>;
      components: { schemas: Record<string, unknown> };
    };
    const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({ path, method, operation })),
    );
    expect(operations.length).toBeGreaterThanOrEqual(34);
    const ids = operations.map(({ operation }) => operation.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { path, method, operation } of operations) {
      expect(operation.operationId, `${method} ${path}`).toMatch(/^[a-z][A-Za-z]+$/);
      expect(operation.tags?.length, `${method} ${path}`).toBe(1);
      const success = Object.keys(operation.responses).filter((status) => status.startsWith("2"));
      expect(success.length, `${method} ${path}`).toBeGreaterThan(0);
      for (const status of success)
        expect(
          operation.responses[status].content?.["application/json"].schema,
          `${method} ${path} ${status}`,
        ).toBeDefined();
      const error = operation.responses.default.content!["application/json"].schema.$ref;
      expect(error, `${method} ${path}`).toBe(
        path.startsWith("/v1/chat/") || path.startsWith("/v1/models")
          ? "#/components/schemas/OpenAIError"
          : "#/components/schemas/Error",
      );
    }
    const listing = document.paths["/v1/ais/{ai_uuid}/memories"].get;
    expect(listing.parameters?.find((parameter) => parameter.name === "limit")).toMatchObject({
      in: "query",
      schema: { minimum: 1, maximum: 200 },
    });
    expect(Object.keys(document.paths["/v1/chat/completions"].post.responses["200"].content!)).toEqual([
      "application/json",
      "text/event-stream",
    ]);
    expect(Object.keys(document.components.schemas)).toEqual(
      expect.arrayContaining(["Memory", "Ai", "Handshake", "Session", "ChatCompletion", "OpenAIError"]),
    );
  });

  it("documents the answer every route really gives", async () => {
    const created = await documented("post", "/v1/handshake", ADMIN, { ai_name: "Documented" });
    const ai = created as Awaited<ReturnType<typeof newAi>>;
    const as = bearer(ai);
    const ref = { ai_uuid: ai.ai_uuid };
    await documented("post", "/v1/handshake", as, ref);
    const memory = (await documented("post", "/create_memory", as, {
      ...ref,
      memory_type: "working_memory",
      memory_data: { content: "Likes jazz", tags: ["music"] },
    })) as { id: string };
    await documented("post", "/edit_memory", as, {
      ...ref,
      memory_type: "working_memory",
      memory_id: memory.id,
      memory_data: "Likes jazz and blues",
    });
    await documented("post", "/move_memory", as, {
      ...ref,
      from_memory_type: "working_memory",
      to_memory_type: "long_term_memory",
      document_id: memory.id,
    });
    await documented("post", "/retrieve_memories", as, {
      ...ref,
      memory_type: "all",
      filter_query: { tags: ["music"] },
    });
    const base = `/v1/ais/${ai.ai_uuid}`;
    const rest = (await documented("post", `${base}/memories/archive`, as, {
      content: "Old note",
      importance: 0.2,
    })) as { id: string };
    await documented("get", `${base}/memories?limit=5`, as);
    await documented("get", `${base}/memories/archive?q=note`, as);
    await documented("get", `${base}/memories/archive/${rest.id}`, as);
    await documented("patch", `${base}/memories/archive/${rest.id}`, as, { tags: ["old"] });
    await documented("post", `${base}/memories/archive/${rest.id}/move`, as, { to_memory_type: "personal_logs" });
    await documented("get", `${base}/memories/personal_logs/${rest.id}/history`, as);
    await documented("delete", `${base}/memories/personal_logs/${rest.id}`, as);
    await documented("post", `${base}/memories/search`, as, { query: "jazz" });
    const lyon = (await documented("post", `${base}/memories/long_term_memory`, as, { content: "Lives in Lyon" })) as {
      id: string;
    };
    const paris = (await documented("post", `${base}/memories/long_term_memory`, as, {
      content: "Lives in Paris",
    })) as { id: string };
    await supersedeByHand(db, ai.ai_uuid, lyon.id, paris.id);
    await documented("post", `${base}/memories/search`, as, { query: "Lyon", include_superseded: true });
    await documented("post", `${base}/memories/long_term_memory/${lyon.id}/restore`, ADMIN);
    await documented("get", `${base}/extractions?status=done&limit=5`, ADMIN);
    await documented("post", "/delete_memory", as, { ...ref, memory_type: "long_term_memory", memory_id: memory.id });

    const chat = (await documented("post", "/v1/chat/completions", as, {
      model: "test-model",
      messages: [{ role: "user", content: "hi" }],
    })) as { memory: { session_id: string } };
    await documented("get", "/v1/models", as);
    await documented("get", "/v1/models/test-model", as);
    await documented("post", `${base}/sessions`, as, { name: "Docs" });
    await documented("get", `${base}/sessions`, as);
    await documented("get", `${base}/sessions/${chat.memory.session_id}/chats`, as);
    await documented("get", `/v1/sessions/${chat.memory.session_id}/chats`, as);
    const items = `${base}/sessions/agent-thread/items`;
    await documented("post", items, as, {
      items: [
        { role: "user", content: "hi" },
        { role: "assistant", content: "hello" },
      ],
    });
    await documented("get", `${items}?limit=1`, as);
    await documented("delete", `${items}/last`, as);
    await documented("delete", items, as);
    await documented("put", `${base}/memories/long_term_memory/by-key`, as, { content: "keyed" });
    await documented("put", `${base}/memories/long_term_memory/by-key`, as, { content: "keyed again" });

    await documented("post", "/v1/relay", as, { event: "message", data: { text: "hi" } });
    await documented("post", "/v1/relay", as, { action: "join", client_id: "docs-1" });
    await documented("post", "/v1/relay", as, { action: "heartbeat", client_id: "docs-1" });
    await documented("post", "/v1/relay", as, { action: "leave", client_id: "docs-1" });

    await documented("get", base, as);
    await documented("patch", base, as, { settings: { system_prompt: "Be brief." } });
    await documented("get", `${base}/export`, as);
    await documented("post", `${base}/import`, as, { memories: [{ memory_type: "archive", content: "Imported" }] });
    await documented("get", "/v1/ais?limit=2", ADMIN);
    await documented("post", "/v1/ais", ADMIN, { ai_name: "Documented Two" });
    await documented("post", `${base}/revoke_tokens`, ADMIN);
    await documented("delete", base, ADMIN);
    await documented("get", "/healthz", "");
  });
});
