import { ApiError, request } from "../api";
import type { MemoryReport } from "../types";

interface Chunk {
  choices?: Array<{ delta?: { content?: string | null } }>;
  memory?: MemoryReport;
  error?: { message?: string; code?: string };
}

/**
 * One streamed turn of `POST /v1/chat/completions` as the admin (`ai_uuid` in the body): calls
 * `onText` with each piece of the answer and resolves with the `memory` report of the last chunk.
 */
export async function streamChat(
  body: { ai_uuid: string; session_id?: string; message: string },
  onText: (text: string) => void,
): Promise<MemoryReport> {
  const response = await request("POST", "/v1/chat/completions", {
    ai_uuid: body.ai_uuid,
    ...(body.session_id ? { session_id: body.session_id } : {}),
    stream: true,
    messages: [{ role: "user", content: body.message }],
  });
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  let report: MemoryReport | null = null;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buffer += value;
    const events = buffer.split("\n\n");
    buffer = events.pop() ?? "";
    for (const event of events) {
      const data = event.replace(/^data: ?/, "").trim();
      if (!data || data === "[DONE]") continue;
      const chunk = JSON.parse(data) as Chunk;
      if (chunk.error) throw new ApiError(502, chunk.error.code ?? "upstream_error", chunk.error.message ?? "the answer stopped");
      for (const choice of chunk.choices ?? []) if (choice.delta?.content) onText(choice.delta.content);
      if (chunk.memory) report = chunk.memory;
    }
  }
  if (!report) throw new ApiError(502, "upstream_error", "The answer ended without its memory report.");
  return report;
}
