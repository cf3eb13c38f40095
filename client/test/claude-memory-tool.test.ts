import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import Anthropic from "@anthropic-ai/sdk";
import { betaMemoryTool } from "@anthropic-ai/sdk/helpers/beta/memory";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newAi } from "../../test-support/emulator";
import { claudeMemoryHandlers } from "../src/claude-memory-tool";
import { aiClient } from "./helpers";
import { messagesServer } from "./stand-in-messages";

const CALLS = [
  { command: "create", path: "/memories/user/profile.md", file_text: "Name: Ada\nCity: Lyon\nPet: cat" },
  { command: "str_replace", path: "/memories/user/profile.md", old_str: "Lyon", new_str: "Paris" },
  { command: "str_replace", path: "/memories/user/profile.md", old_str: ": ", new_str: "=" },
  { command: "str_replace", path: "/memories/user/profile.md", old_str: "Rome", new_str: "Oslo" },
  { command: "insert", path: "/memories/user/profile.md", insert_line: 1, insert_text: "Age: 36\n" },
  { command: "create", path: "/memories/user/profile.md", file_text: "again" },
  { command: "view", path: "/memories/../etc/passwd" },
  { command: "rename", old_path: "/memories/user", new_path: "/memories/people" },
  { command: "view", path: "/memories" },
  { command: "view", path: "/memories/people/profile.md", view_range: [2, 3] },
  { command: "view", path: "/memories/user/profile.md" },
  { command: "delete", path: "/memories/people" },
  { command: "view", path: "/memories" },
];

let stand: ReturnType<typeof messagesServer>;
beforeAll(async () => {
  stand = messagesServer(CALLS);
  await new Promise<void>((resolve) => stand.server.listen(0, "127.0.0.1", resolve));
});
afterAll(() => new Promise<void>((resolve) => (stand.server as Server).close(() => resolve())));

describe("ai-memory-client/claude-memory-tool", () => {
  it("runs the six commands through the Anthropic SDK's memory tool, with the tool's own texts", async () => {
    const ai = await newAi("Claude memory");
    const client = aiClient(ai);
    const anthropic = new Anthropic({
      apiKey: "test-key",
      baseURL: `http://127.0.0.1:${(stand.server.address() as AddressInfo).port}`,
    });
    const final = await anthropic.beta.messages.toolRunner({
      model: "claude-stand-in",
      max_tokens: 1024,
      messages: [{ role: "user", content: "Remember me." }],
      tools: [betaMemoryTool(claudeMemoryHandlers({ client, aiUuid: ai.ai_uuid }))],
    });
    expect(final.content).toMatchObject([{ type: "text", text: "Done." }]);
    const results = stand.sent.slice(1).map((request) => {
      const last = request.messages.at(-1)?.content as Array<{ content: string; is_error?: boolean }>;
      return { text: String(last[0].content), error: last[0].is_error ?? false };
    });
    const ok = (text: string) => ({ text, error: false });
    const failed = (text: string) => ({ text: expect.stringContaining(text), error: true });
    expect(results).toEqual([
      ok("File created successfully at: /memories/user/profile.md"),
      ok(expect.stringContaining("The memory file has been edited.")),
      failed("Multiple occurrences of old_str `: ` in lines: 1, 2, 3. Please ensure it is unique"),
      failed("No replacement was performed, old_str `Rome` did not appear verbatim in /memories/user/profile.md."),
      ok("The file /memories/user/profile.md has been edited."),
      failed("File /memories/user/profile.md already exists"),
      failed("Path /memories/../etc/passwd would escape /memories directory"),
      ok("Successfully renamed /memories/user to /memories/people"),
      ok(
        "Here're the files and directories up to 2 levels deep in /memories, excluding hidden items and node_modules:\n" +
          "38B\t/memories\n38B\t/memories/people/\n38B\t/memories/people/profile.md",
      ),
      ok("Here's the content of /memories/people/profile.md with line numbers:\n     2\tAge: 36\n     3\tCity: Paris"),
      failed("The path /memories/user/profile.md does not exist. Please provide a valid path."),
      ok("Successfully deleted /memories/people"),
      ok(expect.stringContaining("0B\t/memories")),
    ]);
    expect((await client.memories.list(ai.ai_uuid, {})).memories).toEqual([]);
  });
});
