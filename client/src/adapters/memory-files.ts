/**
 * The file logic of Claude's memory tool, pure: paths under /memories, the texts `view` shows and
 * the edits `str_replace` and `insert` make, with the tool's own error texts (those of the
 * Anthropic SDK's filesystem implementation), so the model reads what it was trained on.
 */
export const ROOT = "/memories";
const LINE_NUMBER_WIDTH = 6;

/** A path the tool may touch: /memories or below, without `.`/`..` segments, empty segments or backslashes. */
export function memoryPath(path: string): string {
  if (path !== ROOT && !path.startsWith(`${ROOT}/`)) throw new Error(`Path must start with /memories, got: ${path}`);
  const segments = path.replace(/\/+$/, "").split("/").slice(2);
  const escapes = segments.some((segment) => /^\.{1,2}$/.test(segment) || /%2e|%2f|%5c/i.test(segment));
  if (escapes || /[\\\0]/.test(path) || segments.includes("")) {
    throw new Error(`Path ${path} would escape /memories directory`);
  }
  return [ROOT, ...segments].join("/");
}

export const missing = (path: string) => new Error(`The path ${path} does not exist. Please provide a valid path.`);

export function formatFileSize(bytes: number): string {
  if (bytes === 0) return "0B";
  const i = Math.min(3, Math.floor(Math.log(bytes) / Math.log(1024)));
  const size = bytes / 1024 ** i;
  return (size % 1 === 0 ? size.toString() : size.toFixed(1)) + ["B", "K", "M", "G"][i];
}

const numbered = (lines: string[], first: number) =>
  lines.map((line, i) => `${String(i + first).padStart(LINE_NUMBER_WIDTH, " ")}\t${line}`).join("\n");

export function viewFile(path: string, text: string, range?: number[]): string {
  const lines = text.split("\n");
  let first = 1;
  let shown = lines;
  if (range?.length === 2) {
    first = Math.max(1, range[0]);
    shown = lines.slice(first - 1, range[1] === -1 ? lines.length : range[1]);
  }
  return `Here's the content of ${path} with line numbers:\n${numbered(shown, first)}`;
}

/** A directory's listing, two levels deep: its files' paths tell which directories there are. */
export function viewDirectory(path: string, files: Array<{ path: string; text: string }>): string {
  const sizes = new Map<string, number>();
  let total = 0;
  for (const file of files) {
    const bytes = new TextEncoder().encode(file.text).length;
    total += bytes;
    const parts = file.path.slice(path.length + 1).split("/");
    for (let depth = 1; depth <= Math.min(2, parts.length); depth += 1) {
      const entry = parts.slice(0, depth).join("/") + (depth < parts.length ? "/" : "");
      sizes.set(entry, (sizes.get(entry) ?? 0) + bytes);
    }
  }
  const entries = [...sizes.keys()].filter((entry) => !entry.split("/").some((part) => part.startsWith(".")));
  const lines = [
    `${formatFileSize(total)}\t${path}`,
    ...entries.sort().map((e) => `${formatFileSize(sizes.get(e) ?? 0)}\t${path}/${e}`),
  ];
  return `Here're the files and directories up to 2 levels deep in ${path}, excluding hidden items and node_modules:\n${lines.join("\n")}`;
}

/** `str_replace`: old_str must be on exactly one line's worth of the file; answers the new text and the message. */
export function replaceOnce(path: string, text: string, oldStr: string, newStr: string) {
  const lines = text.split("\n");
  const matching = lines.flatMap((line, i) => (line.includes(oldStr) ? [i + 1] : []));
  if (matching.length === 0 && !text.includes(oldStr)) {
    throw new Error(`No replacement was performed, old_str \`${oldStr}\` did not appear verbatim in ${path}.`);
  }
  if (matching.length > 1 || text.split(oldStr).length > 2) {
    throw new Error(
      `No replacement was performed. Multiple occurrences of old_str \`${oldStr}\` in lines: ${matching.join(", ")}. Please ensure it is unique`,
    );
  }
  const next = text.replace(oldStr, () => newStr);
  const at = (matching[0] ?? text.slice(0, text.indexOf(oldStr)).split("\n").length) - 1;
  const start = Math.max(0, at - 2);
  const snippet = numbered(next.split("\n").slice(start, at + 3), start + 1);
  return {
    text: next,
    message: `The memory file has been edited. Here is the snippet showing the change (with line numbers):\n${snippet}`,
  };
}

export function insertAt(text: string, line: number, insertText: string): string {
  const lines = text.split("\n");
  if (line < 0 || line > lines.length) {
    throw new Error(
      `Invalid \`insert_line\` parameter: ${line}. It should be within the range of lines of the file: [0, ${lines.length}]`,
    );
  }
  lines.splice(line, 0, insertText.replace(/\n$/, ""));
  return lines.join("\n");
}
