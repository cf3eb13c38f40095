import {
  BaseStore,
  type GetOperation,
  type Item,
  type ListNamespacesOperation,
  type MatchCondition,
  type Operation,
  type OperationResults,
  type PutOperation,
  type SearchOperation,
} from "@langchain/langgraph";
import { NotFoundError } from "./errors.js";
import type { AiMemory } from "./http-client.js";
import type { Memory } from "./types.js";

export interface AiMemoryStoreOptions {
  client: AiMemory;
  aiUuid: string;
}

type SearchItem = Item & { score?: number };
/** Where a store item lives in a memory: its metadata names it, its tags find it by namespace prefix. */
interface StoreMetadata {
  langgraph: { namespace: string[]; key: string };
}

const TYPE = "long_term_memory";
const TAG = "langgraph";
const PAGE = 200;
const SEARCH_MAX = 100;

/** A short, id-safe digest (memory ids and tags take letters, digits, _ and -). */
async function digest(text: string, chars: number): Promise<string> {
  const bytes = new Uint8Array(await globalThis.crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "")
    .slice(0, chars);
}

const idOf = async (namespace: string[], key: string) => `lg-${await digest(JSON.stringify([namespace, key]), 40)}`;
/** One tag per prefix of the namespace, so a search by any prefix is a tag filter. */
const prefixTag = async (prefix: string[]) => `lg-ns-${await digest(JSON.stringify(prefix), 24)}`;

const placeOf = (memory: Memory) => (memory.metadata as Partial<StoreMetadata>).langgraph;

function itemOf(memory: Memory, score?: number): SearchItem | null {
  const place = placeOf(memory);
  if (!place || typeof memory.content === "string") return null;
  return {
    namespace: place.namespace,
    key: place.key,
    value: memory.content,
    createdAt: new Date(memory.created_at),
    updatedAt: new Date(memory.updated_at),
    ...(score === undefined ? {} : { score }),
  };
}

const startsWith = (namespace: string[], prefix: string[]) => prefix.every((part, i) => namespace[i] === part);
const matches = (value: Record<string, unknown>, filter: Record<string, unknown> = {}) =>
  Object.entries(filter).every(([field, wanted]) => JSON.stringify(value[field]) === JSON.stringify(wanted));

function meets(namespace: string[], condition: MatchCondition): boolean {
  const { path } = condition;
  if (path.length > namespace.length) return false;
  const part = condition.matchType === "prefix" ? namespace.slice(0, path.length) : namespace.slice(-path.length);
  return path.every((wanted, i) => wanted === "*" || wanted === part[i]);
}

/**
 * A LangGraph `BaseStore` over the AI's long-term memory: each (namespace, key) is one memory
 * (its id a digest of both), the value its structured content, so a put replaces it as its next
 * version and a get is one read. `search` with a query runs the product's retrieval, without one
 * lists the namespace newest first; `filter` holds value fields to equal values.
 */
export class AiMemoryStore extends BaseStore {
  private readonly client: AiMemory;
  private readonly aiUuid: string;

  constructor(options: AiMemoryStoreOptions) {
    super();
    this.client = options.client;
    this.aiUuid = options.aiUuid;
  }

  async batch<Op extends Operation[]>(operations: Op): Promise<OperationResults<Op>> {
    const results: unknown[] = [];
    for (const op of operations) {
      if ("value" in op) results.push(await this.putOp(op));
      else if ("key" in op) results.push(await this.getOp(op));
      else if ("namespacePrefix" in op) results.push(await this.searchOp(op));
      else results.push(await this.listOp(op));
    }
    return results as OperationResults<Op>;
  }

  private async getOp({ namespace, key }: GetOperation): Promise<Item | null> {
    try {
      return itemOf(await this.client.memories.get(this.aiUuid, TYPE, await idOf(namespace, key)));
    } catch (error) {
      if (error instanceof NotFoundError) return null;
      throw error;
    }
  }

  private async putOp({ namespace, key, value }: PutOperation): Promise<void> {
    const id = await idOf(namespace, key);
    if (value === null) {
      await this.client.memories.delete({ ai_uuid: this.aiUuid, memory_type: TYPE, memory_id: id }).catch((error) => {
        if (!(error instanceof NotFoundError)) throw error;
      });
      return;
    }
    const prefixes = namespace.map((_, depth) => namespace.slice(0, depth + 1));
    const metadata: StoreMetadata = { langgraph: { namespace, key } };
    await this.client.memories.put(this.aiUuid, TYPE, id, {
      content: value,
      metadata: metadata as unknown as Record<string, unknown>,
      tags: [TAG, ...(await Promise.all(prefixes.map(prefixTag)))],
    });
  }

  private async searchOp(op: SearchOperation): Promise<SearchItem[]> {
    const { namespacePrefix, filter, query } = op;
    const limit = op.limit ?? 10;
    const offset = op.offset ?? 0;
    let items: SearchItem[];
    if (query) {
      const found = await this.client.memories.search(this.aiUuid, {
        query,
        memory_types: [TYPE],
        limit: SEARCH_MAX,
      });
      items = found.results.flatMap((hit) => itemOf(hit as Memory, hit.score) ?? []);
    } else {
      const tag = namespacePrefix.length ? await prefixTag(namespacePrefix) : TAG;
      const page = await this.client.memories.list(this.aiUuid, {
        memory_type: TYPE,
        tags: tag,
        limit: Math.min(offset + limit, PAGE),
      });
      items = page.memories.flatMap((memory) => itemOf(memory) ?? []);
    }
    return items
      .filter((item) => startsWith(item.namespace, namespacePrefix) && matches(item.value, filter))
      .slice(offset, offset + limit);
  }

  /** Every namespace in use, read from the store's memories (a page of 200 at a time). */
  private async listOp(op: ListNamespacesOperation): Promise<string[][]> {
    const seen = new Map<string, string[]>();
    let cursor: string | undefined;
    do {
      const page = await this.client.memories.list(this.aiUuid, { memory_type: TYPE, tags: TAG, limit: PAGE, cursor });
      for (const memory of page.memories) {
        const namespace = placeOf(memory)?.namespace;
        if (!namespace || !(op.matchConditions ?? []).every((condition) => meets(namespace, condition))) continue;
        const kept = op.maxDepth === undefined ? namespace : namespace.slice(0, op.maxDepth);
        seen.set(JSON.stringify(kept), kept);
      }
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    const sorted = [...seen.values()].sort((a, b) => a.join("\u0000").localeCompare(b.join("\u0000")));
    return sorted.slice(op.offset, op.offset + op.limit);
  }
}
