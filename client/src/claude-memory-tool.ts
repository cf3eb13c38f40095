import type { MemoryToolHandlers } from "@anthropic-ai/sdk/helpers/beta/memory";
import { insertAt, memoryPath, missing, ROOT, replaceOnce, viewDirectory, viewFile } from "./adapters/memory-files.js";
import type { AiMemory } from "./http-client.js";
import type { Memory } from "./types.js";

export interface ClaudeMemoryOptions {
  client: AiMemory;
  aiUuid: string;
}

const TYPE = "long_term_memory";
const TAG = "claude-memory";
const PAGE = 200;

/** A file of the tool: a memory whose structured content is its path and text. */
interface MemoryFile {
  memory: Memory;
  path: string;
  text: string;
}

const fileOf = (memory: Memory): MemoryFile | null => {
  const content = memory.content as { path?: unknown; text?: unknown };
  return typeof content.path === "string" && typeof content.text === "string"
    ? { memory, path: content.path, text: content.text }
    : null;
};
const under = (dir: string) => (file: MemoryFile) => file.path.startsWith(`${dir}/`);

/**
 * Handlers of Claude's memory tool (`memory_20250818`) over the AI's memory, for the Anthropic
 * SDK's `betaMemoryTool(handlers)`: each file under /memories is one long-term memory (its
 * content `{path, text}`, so it is searchable and live in the console), directories are the
 * prefixes of the files' paths. Edits carry the version they read, so two concurrent edits of a
 * file cannot both apply. Errors are thrown with the tool's own texts, and the SDK's tool runner
 * hands them to the model as an error result.
 */
export function claudeMemoryHandlers({ client, aiUuid }: ClaudeMemoryOptions): MemoryToolHandlers {
  const all = async (): Promise<MemoryFile[]> => {
    const files: MemoryFile[] = [];
    let cursor: string | undefined;
    do {
      const page = await client.memories.list(aiUuid, { memory_type: TYPE, tags: TAG, limit: PAGE, cursor });
      files.push(...page.memories.flatMap((memory) => fileOf(memory) ?? []));
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    return files;
  };
  const find = async (path: string): Promise<MemoryFile | null> => {
    const found = await client.memories.retrieve({
      ai_uuid: aiUuid,
      memory_type: TYPE,
      limit: 1,
      filter_query: { tags: [TAG], metadata: { memory_path: path } },
    });
    return found.memories.map(fileOf)[0] ?? null;
  };
  const existing = async (path: string) => {
    const file = await find(path);
    if (!file) throw missing(path);
    return file;
  };
  const write = (file: MemoryFile, path: string, text: string) =>
    client.memories.edit({
      ai_uuid: aiUuid,
      memory_type: TYPE,
      memory_id: file.memory.id,
      memory_data: { content: { path, text }, metadata: { memory_path: path } },
      expected_version: file.memory.version,
    });
  const remove = (file: MemoryFile) =>
    client.memories.delete({ ai_uuid: aiUuid, memory_type: TYPE, memory_id: file.memory.id });

  return {
    async view({ path, view_range }) {
      const at = memoryPath(path);
      const file = at === ROOT ? null : await find(at);
      if (file) return viewFile(path, file.text, view_range);
      const inside = (await all()).filter(under(at));
      if (at !== ROOT && inside.length === 0) throw missing(path);
      return viewDirectory(at, inside);
    },
    async create({ path, file_text }) {
      const at = memoryPath(path);
      if (at === ROOT || (await find(at))) throw new Error(`File ${path} already exists`);
      await client.memories.create({
        ai_uuid: aiUuid,
        memory_type: TYPE,
        memory_data: { content: { path: at, text: file_text }, metadata: { memory_path: at }, tags: [TAG] },
      });
      return `File created successfully at: ${path}`;
    },
    async str_replace({ path, old_str, new_str }) {
      const file = await existing(memoryPath(path));
      const edit = replaceOnce(path, file.text, old_str, new_str);
      await write(file, file.path, edit.text);
      return edit.message;
    },
    async insert({ path, insert_line, insert_text }) {
      const file = await existing(memoryPath(path));
      await write(file, file.path, insertAt(file.text, insert_line, insert_text));
      return `The file ${path} has been edited.`;
    },
    async delete({ path }) {
      const at = memoryPath(path);
      if (at === ROOT) throw new Error("Cannot delete the /memories directory itself");
      const file = await find(at);
      const doomed = file ? [file] : (await all()).filter(under(at));
      if (doomed.length === 0) throw new Error(`The path ${path} does not exist`);
      for (const each of doomed) await remove(each);
      return `Successfully deleted ${path}`;
    },
    async rename({ old_path, new_path }) {
      const from = memoryPath(old_path);
      const to = memoryPath(new_path);
      if (from === ROOT) throw new Error("Cannot rename the /memories directory itself");
      const files = await all();
      if (files.some((file) => file.path === to || under(to)(file))) {
        throw new Error(`The destination ${new_path} already exists`);
      }
      const moving = files.filter((file) => file.path === from || under(from)(file));
      if (moving.length === 0) throw new Error(`The path ${old_path} does not exist`);
      for (const file of moving) await write(file, to + file.path.slice(from.length), file.text);
      return `Successfully renamed ${old_path} to ${new_path}`;
    },
  };
}
