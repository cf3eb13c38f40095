import { spawnSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, describe, expect, it } from "vitest";
import { BASE_OFFSET, ROOT, removeStackFiles, type RunningStack, startStack, stopStack } from "./stack-process";

/** The README's quickstart, run as written: its first block in one terminal, its second in another. */
const NAME = "quickstart";
const MCP_CONFIG = join(ROOT, ".local", "mcp.json");
let stack: RunningStack | undefined;

afterAll(async () => {
  if (stack) await stopStack(stack);
  removeStackFiles(NAME, BASE_OFFSET);
  rmSync(MCP_CONFIG, { force: true });
});

function quickstartBlocks(): string[][] {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const section = readme.slice(
    readme.indexOf("## Quickstart"),
    readme.indexOf("\n## ", readme.indexOf("## Quickstart")),
  );
  expect(section.split("\n").length).toBeLessThanOrEqual(40);
  return [...section.matchAll(/```bash\n([\s\S]*?)```/g)].map((block) => block[1].trimEnd().split("\n"));
}

describe("the README's quickstart", () => {
  it("starts, stores a memory, answers from it through the OpenAI SDK, extracts a fact and serves MCP", async () => {
    removeStackFiles(NAME, BASE_OFFSET);
    const [first, second] = quickstartBlocks();
    // npm install has run already (npm test needs it); the start line runs as written.
    expect(first[0]).toBe("npm install");
    stack = await startStack(NAME, BASE_OFFSET, {}, first[1]);
    expect(stack.output()).toMatch(/Chat model\s+ai-memory-demo/);

    const terminal = spawnSync("bash", ["-e", "-c", second.join("\n")], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, EMULATOR_PORT_OFFSET: String(BASE_OFFSET) },
      encoding: "utf8",
      timeout: 120_000,
    });
    expect(terminal.stderr).toBe("");
    expect(terminal.status).toBe(0);
    expect(terminal.stdout).toContain(
      "[demo model] From my memory (long_term_memory): The user's dog is called Biscuit",
    );

    const { AI_MEMORY_URL, AI_MEMORY_ADMIN_KEY, AI_MEMORY_CONSOLE_EMAIL } = stack.values;
    expect(AI_MEMORY_CONSOLE_EMAIL).toContain("@");
    // The second local user signs in and is a user of their own (SIGNUP_POLICY open under npm start).
    const { AI_MEMORY_AUTH_HOST, AI_MEMORY_USER_EMAIL, AI_MEMORY_USER_PASSWORD } = stack.values;
    const signedIn = await fetch(
      `http://${AI_MEMORY_AUTH_HOST}/identitytoolkit.googleapis.com/v1/accounts:signInWithPassword?key=local`,
      {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({
          email: AI_MEMORY_USER_EMAIL,
          password: AI_MEMORY_USER_PASSWORD,
          returnSecureToken: true,
        }),
      },
    );
    const { idToken } = (await signedIn.json()) as { idToken: string };
    const me = await fetch(`${AI_MEMORY_URL}/v1/me`, { headers: { Authorization: `Bearer ${idToken}` } });
    expect(await me.json()).toMatchObject({ kind: "user", user: { email: AI_MEMORY_USER_EMAIL } });
    expect(await (await fetch(AI_MEMORY_URL)).text()).toContain('<div id="app">');
    const config = JSON.parse(readFileSync(MCP_CONFIG, "utf8")).mcpServers["ai-memory"];
    const client = new Client({ name: "quickstart", version: "1.0.0" });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(config.url), { requestInit: { headers: config.headers } }),
    );
    const found = await client.callTool({ name: "search_memories", arguments: { query: "dog" } });
    await client.close();
    expect(JSON.stringify(found.structuredContent)).toContain("Biscuit");

    // The demo model's fact extraction: the chat's "My cat is called Miso" becomes a long-term fact.
    const aiUuid = (found.structuredContent as { results: Array<{ ai_uuid: string }> }).results[0].ai_uuid;
    let facts = "";
    for (let wait = 0; wait < 60 && !facts.includes("Miso"); wait += 1) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const listed = await fetch(`${AI_MEMORY_URL}/v1/ais/${aiUuid}/memories/long_term_memory`, {
        headers: { Authorization: `Bearer ${AI_MEMORY_ADMIN_KEY}` },
      });
      facts = await listed.text();
    }
    expect(facts).toContain("The user's cat is called Miso");
  });
});
