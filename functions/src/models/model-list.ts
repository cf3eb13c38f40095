import type { ModelDeps } from "./model-client";

/** One entry of OpenAI's `GET /v1/models`. */
export interface ModelEntry {
  id: string;
  object: "model";
  created: number;
  owned_by: string;
}

/**
 * What `GET /v1/models` answers: the model this AI chats with (its setting, then the deployment's
 * default) first, then whatever the model server lists (bounded; left out when it fails).
 * Without a configured model the list is empty, as chat would answer 503.
 */
export async function listModels(models: ModelDeps, aiModel: string | null): Promise<{ object: "list"; data: ModelEntry[] }> {
  const chat = models.chat;
  if (!chat) return { object: "list", data: [] };
  const ids = [aiModel, chat.defaultModel, ...(await chat.listModels())].filter((id): id is string => Boolean(id));
  const data = [...new Set(ids)].map((id): ModelEntry => ({ id, object: "model", created: 0, owned_by: "ai-memory" }));
  return { object: "list", data };
}
