import { z } from "zod";

/**
 * The model's answer to an extraction prompt: one decision per durable fact of the exchange. The
 * zod schema is the one source of truth; the JSON schema sent as OpenAI structured output is
 * derived from it, and an answer from a server that ignored it is parsed with the same schema.
 */

export const DECISION_ACTIONS = ["add", "update", "supersede", "none"] as const;
export type DecisionAction = (typeof DECISION_ACTIONS)[number];

/** At most this many decisions per exchange: one transaction applies them all. */
export const MAX_DECISIONS = 10;

/** A year, a month, a day or an instant in ISO 8601: what "valid from" may say. */
const VALID_FROM = /^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01])(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

/** Unknown keys are dropped and absent nullable ones read as null: a server without structured output may be loose. */
const decisionSchema = z.object({
  action: z.enum(DECISION_ACTIONS),
  fact: z.string().trim().min(1, "must not be empty").max(1000, "must be at most 1000 characters"),
  valid_from: z.string().regex(VALID_FROM, "must be YYYY, YYYY-MM, YYYY-MM-DD or an ISO date-time").nullable().default(null),
  memory_ref: z.string().nullable().default(null),
});

export const extractionAnswerSchema = z.object({
  decisions: z.array(decisionSchema).max(MAX_DECISIONS, `must hold at most ${MAX_DECISIONS} decisions`),
});

export type Decision = z.infer<typeof decisionSchema>;

/** Keywords left out of the JSON schema sent: strict structured output refuses some of them; zod checks them after. */
const UNPORTABLE = new Set(["$schema", "default", "minLength", "maxLength", "pattern", "maxItems"]);

function portable(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(portable);
  if (node === null || typeof node !== "object") return node;
  return Object.fromEntries(Object.entries(node).filter(([key]) => !UNPORTABLE.has(key)).map(([key, value]) => [key, portable(value)]));
}

/** The `response_format` of the extraction call: OpenAI structured output, strict. */
export function extractionResponseFormat() {
  const schema = portable(z.toJSONSchema(extractionAnswerSchema, { io: "output" })) as Record<string, unknown>;
  return { type: "json_schema" as const, json_schema: { name: "memory_extraction", strict: true, schema } };
}

/**
 * The first JSON object in a text: a server that ignores structured output may wrap the object in
 * prose or a code fence. Null when there is none.
 */
export function firstJsonObject(text: string): unknown {
  for (let start = text.indexOf("{"); start >= 0; start = text.indexOf("{", start + 1)) {
    let depth = 0;
    let inString = false;
    for (let i = start; i < text.length; i += 1) {
      const char = text[i];
      if (inString) {
        if (char === "\\") i += 1;
        else if (char === '"') inString = false;
      } else if (char === '"') inString = true;
      else if (char === "{") depth += 1;
      else if (char === "}" && (depth -= 1) === 0) {
        try {
          return JSON.parse(text.slice(start, i + 1));
        } catch {
          break;
        }
      }
    }
  }
  return null;
}

export type ParsedAnswer = { ok: true; decisions: Decision[] } | { ok: false; reason: string };

/**
 * Parses and checks an answer against the memories the prompt showed (`refs`): a decision that
 * names an unknown memory, or two that change the same one, make the whole answer invalid, so a
 * confused model changes nothing.
 */
export function parseExtractionAnswer(text: string, refs: ReadonlySet<string>): ParsedAnswer {
  const json = firstJsonObject(text);
  if (json === null) return { ok: false, reason: "the model's answer holds no JSON object" };
  const parsed = extractionAnswerSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, reason: `the model's answer is not valid: ${issue.path.join(".") || "(answer)"}: ${issue.message}` };
  }
  const changed = new Set<string>();
  for (const [index, decision] of parsed.data.decisions.entries()) {
    const where = `decisions.${index}`;
    if (decision.action === "add") {
      if (decision.memory_ref !== null) return { ok: false, reason: `${where}: an "add" names no memory_ref` };
      continue;
    }
    if (decision.memory_ref === null || !refs.has(decision.memory_ref)) {
      return { ok: false, reason: `${where}: memory_ref ${JSON.stringify(decision.memory_ref)} is none of the memories shown` };
    }
    if (decision.action === "none") continue;
    if (changed.has(decision.memory_ref)) return { ok: false, reason: `${where}: memory ${decision.memory_ref} is changed twice` };
    changed.add(decision.memory_ref);
  }
  return { ok: true, decisions: parsed.data.decisions };
}
