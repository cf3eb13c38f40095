import type { Firestore } from "firebase-admin/firestore";
import { roomCollection } from "../events/room-events";
import { invalid } from "../errors";
import { runToolCall, type ToolCallReport } from "./server-tool";
import type { StoredTool } from "./tool-store";
import { customTools, redactor, type ToolDeps } from "./toolbox";

/** Trying a tool by hand (the console's Test button), and the calls the chats made lately. */

/** Runs one function of a custom tool with sample arguments, as a chat would; a failure is an answer too. */
export async function testTool(
  db: Firestore,
  deps: ToolDeps,
  aiUuid: string,
  tool: StoredTool,
  sample: { arguments: Record<string, unknown>; tool?: string },
) {
  const loaded = await customTools(db, deps, aiUuid, tool);
  try {
    const names = loaded.tools.map((each) => each.name);
    const wanted = sample.tool ?? names[0];
    const target = loaded.tools.find((each) => each.name === wanted || each.name === `${tool.name}__${wanted}`);
    if (!target) throw invalid(`tool: ${wanted ?? "(none)"} is not one of ${names.join(", ")}`, { field: "tool" });
    const call = { id: "test", name: target.name, arguments: JSON.stringify(sample.arguments) };
    const redact = redactor([...loaded.secrets.values()]);
    const { report, content } = await runToolCall(target, call, target.timeoutMs, redact);
    return {
      status: report.status,
      ms: report.ms,
      tools: names,
      ...(report.error === undefined ? { result: content } : { error: report.error }),
    };
  } finally {
    await loaded.close();
  }
}

/** How far back the room is read for tool calls: a bounded read, no extra index. */
const RECENT_EVENTS = 200;
const RECENT_CALLS = 20;

export async function recentToolCalls(db: Firestore, aiUuid: string) {
  const snapshot = await roomCollection(db, aiUuid).orderBy("at", "desc").limit(RECENT_EVENTS).get();
  return snapshot.docs
    .map((doc) => doc.data())
    .filter((event) => event.event === "tool_call")
    .slice(0, RECENT_CALLS)
    .map((event) => ({
      ...(event.data as ToolCallReport & { chat_id: string; session_id: string }),
      at: event.at.toDate().toISOString(),
    }));
}
