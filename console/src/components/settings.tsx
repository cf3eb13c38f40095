import { useState } from "preact/hooks";
import { api } from "../api";
import { navigate } from "../router";
import type { AiSettings, AiView } from "../types";
import { CapabilityPolicy } from "./capability-policy";
import { ErrorNote, useAction } from "./ui";

interface SettingsFields {
  name: string;
  model: string;
  systemPrompt: string;
  budget: string;
  workingLimit: string;
  reflections: boolean;
}

const fieldsOf = (ai: AiView): SettingsFields => ({
  name: ai.ai_name,
  model: ai.settings.model ?? "",
  systemPrompt: ai.settings.system_prompt ?? "",
  budget: String(ai.settings.memory_token_budget),
  workingLimit: String(ai.settings.working_memory_limit),
  reflections: ai.settings.reflections,
});

function wholeNumber(text: string, field: string): number {
  const value = Number(text);
  if (!Number.isInteger(value)) throw new Error(`${field}: must be a whole number`);
  return value;
}

function ProfileForm({ ai, onChanged }: { ai: AiView; onChanged: () => void }) {
  const [fields, setFields] = useState(fieldsOf(ai));
  const [saved, setSaved] = useState(false);
  const action = useAction();
  const set = (patch: Partial<SettingsFields>) => setFields({ ...fields, ...patch });
  const submit = async (event: Event) => {
    event.preventDefault();
    setSaved(false);
    const settings: Partial<AiSettings> = {
      model: fields.model.trim() || null,
      system_prompt: fields.systemPrompt.trim() || null,
      reflections: fields.reflections,
    };
    const done = await action.run(() => {
      settings.memory_token_budget = wholeNumber(fields.budget, "Memory token budget");
      settings.working_memory_limit = wholeNumber(fields.workingLimit, "Working memory limit");
      return api.patch<AiView>(`/v1/ais/${ai.ai_uuid}`, { ai_name: fields.name.trim(), settings });
    });
    if (done) {
      setSaved(true);
      onChanged();
    }
  };
  return (
    <form class="card stack" onSubmit={submit} aria-labelledby="profile-title">
      <h2 id="profile-title">Name and settings</h2>
      <label>
        Name
        <input
          name="ai_name"
          required
          maxLength={64}
          value={fields.name}
          onInput={(e) => set({ name: e.currentTarget.value })}
        />
      </label>
      <label>
        System prompt
        <textarea
          name="system_prompt"
          rows={4}
          maxLength={8000}
          value={fields.systemPrompt}
          onInput={(e) => set({ systemPrompt: e.currentTarget.value })}
        />
      </label>
      <div class="row">
        <label class="grow">
          Model <span class="muted">(empty: the server's default)</span>
          <input name="model" value={fields.model} onInput={(e) => set({ model: e.currentTarget.value })} />
        </label>
        <label>
          Memory token budget
          <input
            name="memory_token_budget"
            type="number"
            min={100}
            max={100000}
            value={fields.budget}
            onInput={(e) => set({ budget: e.currentTarget.value })}
          />
        </label>
        <label>
          Working memory limit
          <input
            name="working_memory_limit"
            type="number"
            min={5}
            max={10000}
            value={fields.workingLimit}
            onInput={(e) => set({ workingLimit: e.currentTarget.value })}
          />
        </label>
      </div>
      <label class="inline">
        <input
          type="checkbox"
          name="reflections"
          checked={fields.reflections}
          onChange={(e) => set({ reflections: e.currentTarget.checked })}
        />
        Reflections (a personal log per consolidation)
      </label>
      {action.error ? <ErrorNote error={action.error} /> : null}
      <div class="row end">
        {saved && <span role="status">Saved.</span>}
        <button type="submit" class="button primary" disabled={action.busy}>
          Save settings
        </button>
      </div>
    </form>
  );
}

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
      <p class="muted">A disabled AI's tokens are refused until it is enabled again.</p>
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
      <p>Deletes {ai.ai_name} with all its memory, history and room. This cannot be undone.</p>
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
      <ProfileForm ai={ai} onChanged={onChanged} />
      <CapabilityPolicy ai={ai} onChanged={onChanged} />
      <AccessControls ai={ai} onChanged={onChanged} />
      <DeleteAi ai={ai} onDeleting={onDeleting} />
    </div>
  );
}
