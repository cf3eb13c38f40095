import { execFile, execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, renameSync, symlinkSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newAi } from "../../test-support/emulator";
import { type FakeOpenAi, startFakeOpenAi } from "../../test-support/fake-openai-server";
import { adminClient, aiClient } from "./helpers";
import { messagesServer } from "./stand-in-messages";

/** docs/adapters.md's examples, run as written from a scratch project where the packed client sits beside each framework. */

const clientDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const scratch = mkdtempSync(join(tmpdir(), "ai-memory-adapters-"));
const FRAMEWORKS = [
  "@openai/agents",
  "ai",
  "@ai-sdk/openai-compatible",
  "@langchain/langgraph",
  "@langchain/core",
  "@anthropic-ai/sdk",
  "@google/adk",
];
const examples = new Map(
  [
    ...readFileSync(join(clientDir, "../docs/adapters.md"), "utf8").matchAll(
      /<!-- example: ([\w-]+) -->\n```js\n([\s\S]*?)```/g,
    ),
  ].map(([, name, code]) => [name, code]),
);

let fake: FakeOpenAi;
const claude = messagesServer([{ command: "create", path: "/memories/preferences.md", file_text: "Window seats." }]);

beforeAll(async () => {
  fake = await startFakeOpenAi();
  await new Promise<void>((resolve) => claude.server.listen(0, "127.0.0.1", resolve));
  execFileSync(process.execPath, [join(clientDir, "scripts/build.mjs")], { cwd: clientDir, stdio: "inherit" });
  const [pack] = JSON.parse(
    execFileSync("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", scratch], {
      cwd: clientDir,
      encoding: "utf8",
    }),
  );
  mkdirSync(join(scratch, "node_modules"), { recursive: true });
  execFileSync("tar", ["-xzf", join(scratch, pack.filename), "-C", join(scratch, "node_modules")]);
  renameSync(join(scratch, "node_modules/package"), join(scratch, "node_modules/ai-memory-client"));
  for (const name of FRAMEWORKS) {
    mkdirSync(dirname(join(scratch, "node_modules", name)), { recursive: true });
    symlinkSync(join(clientDir, "node_modules", name), join(scratch, "node_modules", name));
  }
  writeFileSync(join(scratch, "package.json"), JSON.stringify({ name: "scratch", private: true, type: "module" }));
}, 180_000);
afterAll(async () => {
  await fake.close();
  claude.server.close();
});

/** Runs one example with a new AI's credentials; answers what it printed and the AI. */
async function runExample(name: string) {
  const code = examples.get(name);
  expect(code, `docs/adapters.md has the ${name} example`).toBeDefined();
  expect(code?.trim().split("\n").length, `${name}: about 10 lines`).toBeLessThanOrEqual(12);
  writeFileSync(join(scratch, `${name}.js`), code ?? "");
  const ai = await newAi(`Example ${name}`);
  const { stdout } = await promisify(execFile)(process.execPath, [`${name}.js`], {
    cwd: scratch,
    encoding: "utf8",
    env: {
      PATH: process.env.PATH,
      AI_MEMORY_BASE_URL: adminClient().baseURL,
      AI_MEMORY_API_KEY: ai.tokens.ai_token,
      AI_UUID: ai.ai_uuid,
      OPENAI_BASE_URL: fake.url,
      OPENAI_API_KEY: "test-key",
      OPENAI_AGENTS_DISABLE_TRACING: "1",
      ANTHROPIC_BASE_URL: `http://127.0.0.1:${(claude.server.address() as AddressInfo).port}`,
      ANTHROPIC_API_KEY: "test-key",
    },
  });
  return { stdout, ai, client: aiClient(ai) };
}

describe("docs/adapters.md examples, from the packed client", () => {
  it("openai-agents: the agent answers and its session is stored", async () => {
    const { stdout, ai, client } = await runExample("openai-agents");
    expect(stdout.trim()).toBe("Echo: I live in Lyon.");
    expect((await client.sessions.items.list(ai.ai_uuid, "thread-1")).items).toHaveLength(2);
  });

  it("ai-sdk: the model answers and the exchange is stored", async () => {
    const { stdout, ai, client } = await runExample("ai-sdk");
    expect(stdout.trim()).toBe("Echo: Where do I live?");
    expect((await client.sessions.chats(ai.ai_uuid, "chat-1")).chats).toHaveLength(1);
  });

  it("langgraph: the graph puts and finds the fact", async () => {
    const { stdout } = await runExample("langgraph");
    expect(stdout).toContain("The user lives in Lyon.");
  });

  it("claude-memory-tool: the model's file is a memory", async () => {
    const { stdout, ai, client } = await runExample("claude-memory-tool");
    expect(stdout).toContain("Done.");
    const memories = await client.memories.list(ai.ai_uuid, {});
    expect(memories.memories.map((memory) => memory.content)).toEqual([
      { path: "/memories/preferences.md", text: "Window seats." },
    ]);
  });

  it("adk: the session is added and found again", async () => {
    const { stdout } = await runExample("adk");
    expect(Number(stdout.trim())).toBeGreaterThan(0);
  });
});
