import { useState } from "preact/hooks";
import { api } from "../api";
import { navigate } from "../router";
import type { AiView } from "../types";
import { CapabilityPolicy } from "./capability-policy";
import { ProfileForm } from "./settings-form";
import { StepHealth } from "./step-health";
import { ErrorNote, useAction } from "./ui";

function AccessControls({ ai, onChanged }: { ai: AiView; onChanged: () => void }) {
  const action = useAction();
  const [note, setNote] = useState<string | null>(null);
  const toggle = async () => {
    const status = ai.status === "active" ? "disabled" : "active";
    if (await action.run(() => api.patch(`/v1/ais/${ai.ai_uuid}`, { status }))) onChanged();
  };
  const revoke = async () => {
    const answer = await action.run(() => api.post<{ token_version: number }>(`/v1/ais/${ai.ai_uuid}/revoke_tokens`));
    if (answer)
      setNote(
        `Every ai_token issued so far is revoked (token version ${answer.token_version}). A handshake with the ai_uuid issues new ones.`,
      );
  };
  return (
    <section class="card stack" aria-labelledby="access-title">
      <h2 id="access-title">Access</h2>
      <div class="row">
        <button type="button" class="button" disabled={action.busy} onClick={() => void toggle()}>
          {ai.status === "active" ? "Disable this AI" : "Enable this AI"}
        </button>
        <button type="button" class="button" disabled={action.busy} onClick={() => void revoke()}>
          Revoke all tokens
        </button>
      </div>
      <p class="muted">
        Disabling revokes every token the AI holds: enabling it again does not bring them back, a new handshake with its
        ai_uuid issues new ones.
      </p>
      {note && <p role="status">{note}</p>}
      {action.error ? <ErrorNote error={action.error} /> : null}
    </section>
  );
}

function DeleteAi({ ai, onDeleting }: { ai: AiView; onDeleting: (deleting: boolean) => void }) {
  const [typed, setTyped] = useState("");
  const action = useAction();
  const submit = async (event: Event) => {
    event.preventDefault();
    onDeleting(true); // the page stops asking for an AI that is going away
    if (await action.run(() => api.delete(`/v1/ais/${ai.ai_uuid}`))) navigate("/");
    else onDeleting(false);
  };
  return (
    <form class="card stack danger-zone" onSubmit={submit} aria-labelledby="delete-title">
      <h2 id="delete-title">Delete this AI</h2>
      <p>Deletes {ai.ai_name} with all its memory, history, chats, sessions and room. This cannot be undone.</p>
      <label>
        <span>
          Type <strong>{ai.ai_name}</strong> to confirm
        </span>
        <input name="confirm_name" autoComplete="off" value={typed} onInput={(e) => setTyped(e.currentTarget.value)} />
      </label>
      {action.error ? <ErrorNote error={action.error} /> : null}
      <div class="row end">
        <button type="submit" class="button danger" disabled={typed !== ai.ai_name || action.busy}>
          Delete {ai.ai_name}
        </button>
      </div>
    </form>
  );
}

export function AiSettingsPanel({
  ai,
  onChanged,
  onDeleting,
}: {
  ai: AiView;
  onChanged: () => void;
  onDeleting: (deleting: boolean) => void;
}) {
  return (
    <div class="stack">
      <StepHealth ai={ai} />
      <ProfileForm ai={ai} onChanged={onChanged} />
      <CapabilityPolicy ai={ai} onChanged={onChanged} />
      <AccessControls ai={ai} onChanged={onChanged} />
      <DeleteAi ai={ai} onDeleting={onDeleting} />
    </div>
  );
}
