import type { AiView } from "../types";

const STEP_LABELS = { embedding: "Embedding", consolidation: "Consolidation", extraction: "Fact extraction" };

/**
 * The memory-change steps that failed for this AI (the API lists them to the admin): each is
 * retried on its own, so one that keeps failing shows here instead of holding the others back.
 */
export function StepHealth({ ai }: { ai: AiView }) {
  const failing = ai.failing_steps ?? [];
  if (failing.length === 0) return null;
  return (
    <section class="card stack" aria-labelledby="steps-title">
      <h2 id="steps-title">Background steps that fail</h2>
      <p class="muted">Each is retried on its own; after a few deliveries it is given up.</p>
      <table>
        <thead>
          <tr>
            <th>Step</th>
            <th>Status</th>
            <th>Attempts</th>
            <th>Last error</th>
            <th>When</th>
          </tr>
        </thead>
        <tbody>
          {failing.map((each) => (
            <tr key={`${each.event_id}-${each.step}`}>
              <td>{STEP_LABELS[each.step]}</td>
              <td>{each.status === "gave_up" ? "given up" : "retrying"}</td>
              <td>{each.attempts}</td>
              <td>{each.last_error ?? ""}</td>
              <td>{new Date(each.updated_at).toLocaleString()}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
