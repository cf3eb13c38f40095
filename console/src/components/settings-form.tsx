import { useState } from "preact/hooks";
import { api } from "../api";
import type { AiView } from "../types";
import { type FlagKey, fieldsOf, NUMBERS, type SettingsFields, settingsOf } from "./settings-fields";
import { ErrorNote, useAction } from "./ui";

interface FormState {
  fields: SettingsFields;
  set: (patch: Partial<SettingsFields>) => void;
}

function NumberFields({ group, fields, set }: FormState & { group: (typeof NUMBERS)[number]["group"] }) {
  return NUMBERS.filter((number) => number.group === group).map((number) => (
    <label key={number.name}>
      {number.label}
      <input
        name={number.name}
        type="number"
        min={number.min}
        max={number.max}
        value={fields[number.field]}
        onInput={(e) => set({ [number.field]: e.currentTarget.value })}
      />
    </label>
  ));
}

function FlagField({ field, name, label, fields, set }: FormState & { field: FlagKey; name: string; label: string }) {
  return (
    <label class="inline">
      <input
        type="checkbox"
        name={name}
        checked={fields[field]}
        onChange={(e) => set({ [field]: e.currentTarget.checked })}
      />
      {label}
    </label>
  );
}

/** The AI's name and every per-AI setting, saved in one PATCH. */
export function ProfileForm({ ai, onChanged }: { ai: AiView; onChanged: () => void }) {
  const [fields, setFields] = useState(fieldsOf(ai));
  const [saved, setSaved] = useState(false);
  const action = useAction();
  const set = (patch: Partial<SettingsFields>) => setFields({ ...fields, ...patch });
  const submit = async (event: Event) => {
    event.preventDefault();
    setSaved(false);
    const done = await action.run(() =>
      api.patch<AiView>(`/v1/ais/${ai.ai_uuid}`, { ai_name: fields.name.trim(), settings: settingsOf(fields) }),
    );
    if (done) {
      setSaved(true);
      onChanged();
    }
  };
  const state = { fields, set };
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
        <NumberFields group="memory" {...state} />
      </div>
      <FlagField
        field="reflections"
        name="reflections"
        label="Reflections (a personal log per consolidation)"
        {...state}
      />
      <fieldset class="stack">
        <legend>Fact extraction</legend>
        <FlagField
          field="extractionEnabled"
          name="extraction_enabled"
          label="Extract facts from each chat exchange into long-term memory"
          {...state}
        />
        <div class="row">
          <label class="grow">
            Extraction model <span class="muted">(empty: the AI's model)</span>
            <input
              name="extraction_model"
              value={fields.extractionModel}
              onInput={(e) => set({ extractionModel: e.currentTarget.value })}
            />
          </label>
          <NumberFields group="extraction" {...state} />
        </div>
      </fieldset>
      <fieldset class="row">
        <legend>Limits</legend>
        <NumberFields group="limits" {...state} />
      </fieldset>
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
