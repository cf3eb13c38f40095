import { createServer } from "node:http";

/**
 * A stand-in Messages endpoint: it answers each request with the next scripted `memory` tool call
 * (then a final text) and records what the SDK's tool runner sent, tool results included.
 */
export function messagesServer(calls: Array<Record<string, unknown>>) {
  const sent: Array<{ messages: Array<{ role: string; content: unknown }> }> = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      sent.push(JSON.parse(body));
      const input = calls[sent.length - 1];
      const content = input
        ? [{ type: "tool_use", id: `toolu_${sent.length}`, name: "memory", input }]
        : [{ type: "text", text: "Done." }];
      res.setHeader("content-type", "application/json");
      res.end(
        JSON.stringify({
          id: `msg_${sent.length}`,
          type: "message",
          role: "assistant",
          model: "claude-stand-in",
          content,
          stop_reason: input ? "tool_use" : "end_turn",
          stop_sequence: null,
          usage: { input_tokens: 10, output_tokens: 5 },
        }),
      );
    });
  });
  return { server, sent };
}
