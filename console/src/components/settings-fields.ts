import type { AiSettings, AiView } from "../types";

/** Every per-AI setting (functions/src/memory/ai-settings.ts), as the form holds it: text for numbers. */
export interface SettingsFields {
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

export const fieldsOf = (ai: AiView): SettingsFields => ({
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

export function settingsOf(fields: SettingsFields): Partial<AiSettings> {
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
export type FlagKey = "reflections" | "extractionEnabled";

/** The numeric settings, by the group they show in, with the API's bounds. */
export const NUMBERS: Array<{
  group: "memory" | "extraction" | "limits";
  field: NumberKey;
  name: string;
  label: string;
  min: number;
  max: number;
}> = [
  {
    group: "memory",
    field: "budget",
    name: "memory_token_budget",
    label: "Memory token budget",
    min: 100,
    max: 100000,
  },
  {
    group: "memory",
    field: "workingLimit",
    name: "working_memory_limit",
    label: "Working memory limit",
    min: 5,
    max: 10000,
  },
  {
    group: "extraction",
    field: "extractionDailyCap",
    name: "extraction_daily_cap",
    label: "Extractions per day (UTC)",
    min: 0,
    max: 100000,
  },
  {
    group: "limits",
    field: "requestsPerMinute",
    name: "requests_per_minute",
    label: "Requests per minute (its own token)",
    min: 1,
    max: 100000,
  },
  {
    group: "limits",
    field: "maxMemories",
    name: "max_memories",
    label: "Memory limit (all four types)",
    min: 1,
    max: 1000000,
  },
];
