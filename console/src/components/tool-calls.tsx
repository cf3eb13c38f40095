import type { MemoryReport } from "../types";
import { formatTime } from "./ui";

type ToolCall = NonNullable<MemoryReport["tool_calls"]>[number] & { at?: string };

/** The tools the server ran for an answer (or lately): name, arguments, outcome, time. */
export function ToolCallList({ calls, label = "Tool calls" }: { calls: ToolCall[]; label?: string }) {
  return (
    <div class="memory-refs" aria-label={label}>
      <h4>
        {label} <span class="count">{calls.length}</span>
      </h4>
      <ul class="plain stack tool-calls">
        {calls.map((call, index) => (
          <li key={`${call.id}-${index}`} data-tool={call.name} class={`tool-call status-${call.status}`}>
            <code>
              {call.name}({call.arguments})
            </code>{" "}
            <span class="status">{call.status}</span> <span class="muted">{call.ms} ms</span>
            {call.at ? <span class="muted"> · {formatTime(call.at)}</span> : null}
            {call.error ? <p class="muted">{call.error}</p> : null}
          </li>
        ))}
      </ul>
    </div>
  );
}
