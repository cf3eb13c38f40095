import { z } from "zod";
import { strictObject } from "../validation";
import { MEMORY_TYPES, memoryTypeSchema } from "./memory-types";

/**
 * Per-AI settings, one shape: the stored settings, the PATCH body and the API's answer all come from
 * these fields. An AI registered before a setting existed reads its default.
 */
const settingFields = {
  model: z.string().min(1).max(200).nullable().describe("the chat model; null: the deployment's OPENAI_MODEL"),
  system_prompt: z.string().max(8000).nullable().describe("the AI's persona, before its memory in the system prompt"),
  memory_token_budget: z.number().int().min(100).max(100_000).describe("tokens of memory in the chat context"),
  working_memory_limit: z.number().int().min(5).max(10_000).describe("working memories kept before consolidation"),
  reflections: z.boolean().describe("write a personal log at each consolidation"),
  requests_per_minute: z
    .number()
    .int()
    .min(1)
    .max(100_000)
    .describe("requests an AI's own token may make, per function instance"),
  max_memories: z
    .number()
    .int()
    .min(1)
    .max(1_000_000)
    .describe("memories the AI may hold across its four types; more is a 429"),
  extraction_enabled: z.boolean().describe("extract facts from each chat exchange (where a chat model is configured)"),
  extraction_model: z.string().min(1).max(200).nullable().describe("the model extraction asks; null: the AI's model"),
  extraction_daily_cap: z
    .number()
    .int()
    .min(0)
    .max(100_000)
    .describe("exchanges a day (UTC) whose facts are extracted"),
  memory_tools: z.boolean().describe("give the model tools to search and change its own memory during a chat"),
  writable_types: z
    .array(memoryTypeSchema)
    .max(MEMORY_TYPES.length)
    .refine((types) => new Set(types).size === types.length, "must not repeat a type")
    .describe("memory types the AI's own token and its memory tools may write or delete"),
  tool_steps: z.number().int().min(1).max(10).describe("model rounds that may call tools in one chat turn"),
};

/** The settings as stored and answered: every field present. */
export const aiSettingsSchema = z.strictObject(settingFields);
export type AiSettings = z.infer<typeof aiSettingsSchema>;

/** A change of settings: any of the fields, each by the same rules. */
export const settingsPatchSchema = strictObject(settingFields).partial();

export const DEFAULT_SETTINGS: AiSettings = {
  model: null,
  system_prompt: null,
  memory_token_budget: 2000,
  working_memory_limit: 50,
  reflections: false,
  requests_per_minute: 600,
  max_memories: 100_000,
  extraction_enabled: true,
  extraction_model: null,
  extraction_daily_cap: 500,
  memory_tools: false,
  writable_types: [...MEMORY_TYPES],
  tool_steps: 5,
};

/** Stored settings with the defaults of every setting added since the AI was registered. */
export const settingsOf = (stored: Partial<AiSettings> | undefined): AiSettings => ({ ...DEFAULT_SETTINGS, ...stored });
