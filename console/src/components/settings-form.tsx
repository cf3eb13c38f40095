import { useState } from "preact/hooks";
import { api } from "../api";
import type { AiSettings, AiView } from "../types";
import { ErrorNote, useAction } from "./ui";

/** Every per-AI setting (functions/src/memory/ai-settings.ts), as the form holds it: text for numbers. */
interface SettingsFields {
  name: string;
  model: string;
  systemPrompt: string;
  budget: string;
  workingLimit: string;
  reflections: boolean;
  requestsPerMinute: string;
  maxMemories: string;
  extractionEnabled: boolean;
  extractionModel: string;
  extractionDailyCap: string;
}

const fieldsOf = (ai: AiView): SettingsFields => ({
  name: ai.ai_name,
  model: ai.settings.model ?? "",
  systemPrompt: ai.settings.system_prompt ?? "",
  budget: String(ai.settings.memory_token_budget),
  workingLimit: String(ai.settings.working_memory_limit),
  reflections: ai.settings.reflections,
  requestsPerMinute: String(ai.settings.requests_per_minute),
  maxMemories: String(ai.settings.max_memories),
  extractionEnabled: ai.settings.extraction_enabled,
  extractionModel: ai.settings.extraction_model ?? "",
  extractionDailyCap: String(ai.settings.extraction_daily_cap),
});

function wholeNumber(text: string, field: string): number {
  const value = Number(text);
  if (text.trim() === "" || !Number.isInteger(value)) throw new Error(`${field}: must be a whole number`);
  return value;
}

function settingsOf(fields: SettingsFields): Partial<AiSettings> {
  return {
    model: fields.model.trim() || null,
    system_prompt: fields.systemPrompt.trim() || null,
    reflections: fields.reflections,
    memory_token_budget: wholeNumber(fields.budget, "Memory token budget"),
    working_memory_limit: wholeNumber(fields.workingLimit, "Working memory limit"),
    requests_per_minute: wholeNumber(fields.requestsPerMinute, "Requests per minute"),
    max_memories: wholeNumber(fields.maxMemories, "Memory limit"),
    extraction_enabled: fields.extractionEnabled,
    extraction_model: fields.extractionModel.trim() || null,
    extraction_daily_cap: wholeNumber(fields.extractionDailyCap, "Extractions per day"),
  };
}

type NumberKey = "budget" | "workingLimit" | "requestsPerMinute" | "maxMemories" | "extractionDailyCap";

function NumberField(props: {
  label: string;
  name: string;
  min: number;
  max: number;
  field: NumberKey;
  fields: SettingsFields;
  set: (patch: Partial<SettingsFields>) => void;
}) {
  return (
    <label>
      {props.label}
      <input
        name={props.name}
        type="number"
        min={props.min}
        max={props.max}
        value={props.fields[props.field]}
        onInput={(e) => props.set({ [props.field]: e.currentTarget.value })}
      />
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
  const numbers = { fields, set };
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
        <NumberField
          label="Memory token budget"
          name="memory_token_budget"
          min={100}
          max={100000}
          field="budget"
          {...numbers}
        />
        <NumberField
          label="Working memory limit"
          name="working_memory_limit"
          min={5}
          max={10000}
          field="workingLimit"
          {...numbers}
        />
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
      <fieldset class="stack">
        <legend>Fact extraction</legend>
        <label class="inline">
          <input
            type="checkbox"
            name="extraction_enabled"
            checked={fields.extractionEnabled}
            onChange={(e) => set({ extractionEnabled: e.currentTarget.checked })}
          />
          Extract facts from each chat exchange into long-term memory
        </label>
        <div class="row">
          <label class="grow">
            Extraction model <span class="muted">(empty: the AI's model)</span>
            <input
              name="extraction_model"
              value={fields.extractionModel}
              onInput={(e) => set({ extractionModel: e.currentTarget.value })}
            />
          </label>
          <NumberField
            label="Extractions per day (UTC)"
            name="extraction_daily_cap"
            min={0}
            max={100000}
            field="extractionDailyCap"
            {...numbers}
          />
        </div>
      </fieldset>
      <fieldset class="row">
        <legend>Limits</legend>
        <NumberField
          label="Requests per minute (its own token)"
          name="requests_per_minute"
          min={1}
          max={100000}
          field="requestsPerMinute"
          {...numbers}
        />
        <NumberField
          label="Memory limit (all four types)"
          name="max_memories"
          min={1}
          max={1000000}
          field="maxMemories"
          {...numbers}
        />
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
