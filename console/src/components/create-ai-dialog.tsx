import { useState } from "preact/hooks";
import { api } from "../api";
import { aiPath, navigate } from "../router";
import type { HandshakeAnswer } from "../types";
import { CopyField, Dialog, ErrorNote, formatTime, useAction } from "./ui";

/** Creates an AI (the handshake) and shows its tokens, once: the API never shows them again. */
export function CreateAiDialog({ onClose }: { onClose: () => void }) {
  const [name, setName] = useState("");
  const [created, setCreated] = useState<HandshakeAnswer | null>(null);
  const action = useAction();
  const submit = async (event: Event) => {
    event.preventDefault();
    const answer = await action.run(() => api.post<HandshakeAnswer>("/v1/ais", { ai_name: name.trim() }));
    if (answer) setCreated(answer);
  };
  if (created) {
    return (
      <Dialog title={`${created.ai_name} is ready`} onClose={onClose} wide>
        <p class="notice">Copy the tokens now: they are shown once. A new handshake with the ai_uuid issues fresh ones.</p>
        <CopyField label="ai_uuid" value={created.ai_uuid} />
        <CopyField label="ai_token (the AI's bearer credential)" value={created.tokens.ai_token} />
        <CopyField label="firebase_custom_token (for the client SDK's listeners)" value={created.tokens.firebase_custom_token} />
        <p class="muted">Tokens expire {formatTime(created.tokens.expires_at)}. First session: {created.session.session_id}</p>
        <div class="actions">
          <button type="button" class="button primary" onClick={() => navigate(aiPath(created.ai_uuid))}>
            Open {created.ai_name}
          </button>
        </div>
      </Dialog>
    );
  }
  return (
    <Dialog title="New AI" onClose={onClose}>
      <form class="stack" onSubmit={submit}>
        <label>
          Name
          <input name="ai_name" required maxLength={64} value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        {action.error ? <ErrorNote error={action.error} /> : null}
        <div class="actions">
          <button type="submit" class="button primary" disabled={action.busy}>
            {action.busy ? "Creating…" : "Create"}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
