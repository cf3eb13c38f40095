import { readEnv } from "./env";
import { AiMemoryError, APIConnectionError, APIConnectionTimeoutError, APIError, type ErrorBody } from "./errors";
import type { SocketOptions } from "./socket";
import { AiMemorySocket } from "./socket";
import type {
  EmitAck,
  ExtractionRecord,
  Handshake,
  JoinAnswer,
  Memory,
  MemoryData,
  MemoryType,
  Presence,
  RelayRequest,
  RetrieveResult,
  SearchHit,
  Session,
} from "./types";

export interface ClientOptions {
  /** The API's root, e.g. https://<site>.web.app. Defaults to AI_MEMORY_BASE_URL. */
  baseURL?: string;
  /** The bearer: the admin key, an AI's ai_token, or a Firebase ID token. Defaults to AI_MEMORY_API_KEY. */
  apiKey?: string;
  /** Per-request timeout in milliseconds (default 60 s). */
  timeoutMs?: number;
  /** A fetch implementation (default: the global one), for tests, proxies or old runtimes. */
  fetch?: typeof fetch;
  defaultHeaders?: Record<string, string>;
}

type Ai = { ai_uuid: string; ai_name?: string };

/**
 * The HTTP API, typed: the seed routes, sessions, chat and the relay. Every error status becomes its
 * own error class (see errors.ts); a failed connection is an APIConnectionError.
 */
export class AiMemory {
  readonly baseURL: string;
  readonly apiKey: string | undefined;
  private readonly options: ClientOptions;
  private readonly fetchImpl: typeof fetch;

  constructor(options: ClientOptions = {}) {
    const baseURL = options.baseURL ?? readEnv("AI_MEMORY_BASE_URL");
    if (!baseURL) throw new AiMemoryError("baseURL is missing: pass { baseURL } or set AI_MEMORY_BASE_URL");
    this.baseURL = baseURL.replace(/\/+$/, "");
    this.apiKey = options.apiKey ?? readEnv("AI_MEMORY_API_KEY");
    this.options = options;
    this.fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  }

  /** The same client with some options changed, e.g. `withOptions({ apiKey: handshake.tokens.ai_token })`. */
  withOptions(options: ClientOptions): AiMemory {
    return new AiMemory({ ...this.options, baseURL: this.baseURL, apiKey: this.apiKey, ...options });
  }

  /** A socket-style client over the AI's room; call `connect()` on it. */
  socket(options: Omit<SocketOptions, "api">): AiMemorySocket {
    return new AiMemorySocket({ ...options, api: this });
  }

  /** `{ai_name}` creates an AI (admin); `{ai_uuid}` resumes one with fresh tokens and a new session. */
  handshake(body: { ai_name: string; session_name?: string } | { ai_uuid: string; ai_name?: string; session_name?: string }) {
    return this.post<Handshake>("/v1/handshake", body);
  }

  readonly memories = {
    create: (body: Ai & { memory_type: MemoryType; memory_data: MemoryData }) => this.post<Memory>("/create_memory", body),
    edit: (body: Ai & { memory_type: MemoryType; memory_id: string; memory_data: MemoryData }) =>
      this.post<Memory>("/edit_memory", body),
    delete: (body: Ai & { memory_type: MemoryType; memory_id: string }) =>
      this.post<{ deleted: true; memory_id: string; memory_type?: MemoryType }>("/delete_memory", body),
    move: (body: Ai & { from_memory_type: MemoryType; to_memory_type: MemoryType; document_id: string }) =>
      this.post<Memory>("/move_memory", body),
    retrieve: (body: Ai & { memory_type?: MemoryType | "all"; limit?: number; filter_query?: unknown; cursor?: string }) =>
      this.post<RetrieveResult>("/retrieve_memories", body),
    get: (aiUuid: string, type: MemoryType, id: string) =>
      this.request<Memory>("GET", `/v1/ais/${enc(aiUuid)}/memories/${enc(type)}/${enc(id)}`),
    history: (aiUuid: string, type: MemoryType, id: string) =>
      this.request<{ versions: Memory[] }>("GET", `/v1/ais/${enc(aiUuid)}/memories/${enc(type)}/${enc(id)}/history`),
    /** The chat's retrieval; `include_superseded` also finds facts a newer one replaced. */
    search: (aiUuid: string, body: { query: string; memory_types?: MemoryType[]; limit?: number; include_superseded?: boolean }) =>
      this.post<{ results: SearchHit[] }>(`/v1/ais/${enc(aiUuid)}/memories/search`, body),
    /** Undoes a supersession (admin): the memory, and the exchanges hidden with it, current again. */
    restore: (aiUuid: string, type: MemoryType, id: string) =>
      this.post<Memory & { restored_exchange_ids: string[] }>(`/v1/ais/${enc(aiUuid)}/memories/${enc(type)}/${enc(id)}/restore`, {}),
  };

  /** What fact extraction did with each chat exchange (admin). */
  readonly extractions = {
    list: (aiUuid: string, query: { status?: ExtractionRecord["status"]; limit?: number } = {}) => {
      const params = new URLSearchParams(Object.entries(query).filter(([, value]) => value !== undefined).map(([key, value]) => [key, String(value)]));
      const suffix = params.size ? `?${params}` : "";
      return this.request<{ extractions: ExtractionRecord[] }>("GET", `/v1/ais/${enc(aiUuid)}/extractions${suffix}`);
    },
    get: (aiUuid: string, chatId: string) => this.request<ExtractionRecord>("GET", `/v1/ais/${enc(aiUuid)}/extractions/${enc(chatId)}`),
  };

  readonly sessions = {
    create: (aiUuid: string, body: { name?: string; user_id?: string } = {}) =>
      this.post<Session>(`/v1/ais/${enc(aiUuid)}/sessions`, body),
    list: (aiUuid: string) => this.request<{ sessions: Session[] }>("GET", `/v1/ais/${enc(aiUuid)}/sessions`),
    /** The session and its exchanges, oldest first. */
    chats: (aiUuid: string, sessionId: string) =>
      this.request<{ session: Session; chats: Array<Record<string, unknown>> }>(
        "GET",
        `/v1/ais/${enc(aiUuid)}/sessions/${enc(sessionId)}/chats`,
      ),
  };

  readonly chat = {
    completions: {
      /** OpenAI's request (without streaming), plus `session_id` or, for the admin, `ai_uuid`. */
      create: (body: Record<string, unknown> & { messages: Array<Record<string, unknown>> }) =>
        this.post<Record<string, unknown> & { memory?: Record<string, unknown> }>("/v1/chat/completions", { ...body, stream: false }),
    },
  };

  readonly relay = {
    emit: (body: Omit<Extract<RelayRequest, { action: "emit" }>, "action">) =>
      this.post<EmitAck>("/v1/relay", { action: "emit", ...body }),
    join: (body: Omit<Extract<RelayRequest, { action: "join" }>, "action"> = {}) =>
      this.post<JoinAnswer>("/v1/relay", { action: "join", ...body }),
    heartbeat: (body: Omit<Extract<RelayRequest, { action: "heartbeat" }>, "action">) =>
      this.post<Presence & { online: Presence[] }>("/v1/relay", { action: "heartbeat", ...body }),
    leave: (body: Omit<Extract<RelayRequest, { action: "leave" }>, "action">) =>
      this.post<{ left: true; client_id: string }>("/v1/relay", { action: "leave", ...body }),
  };

  post<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>("POST", path, body);
  }

  /** Any route: answers the parsed JSON, or throws the APIError subclass of the status. */
  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: "application/json", ...this.options.defaultHeaders };
    if (this.apiKey) headers.authorization = `Bearer ${this.apiKey}`;
    if (body !== undefined) headers["content-type"] = "application/json";
    const controller = new AbortController();
    const timeoutMs = this.options.timeoutMs ?? 60_000;
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    let response: Response;
    try {
      response = await this.fetchImpl(`${this.baseURL}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: controller.signal,
      });
    } catch (error) {
      if (controller.signal.aborted) throw new APIConnectionTimeoutError(`${method} ${path}: no answer within ${timeoutMs} ms`);
      throw new APIConnectionError(`${method} ${path}: ${(error as Error).message}`, { cause: error });
    } finally {
      clearTimeout(timer);
    }
    const text = await response.text();
    const parsed = text ? safeJson(text) : undefined;
    if (!response.ok) {
      const error = (parsed as { error?: ErrorBody } | undefined)?.error;
      throw APIError.generate(response.status, error, response.headers);
    }
    return parsed as T;
  }
}

const enc = encodeURIComponent;

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { error: { code: "invalid_response", message: text.slice(0, 500) } };
  }
}
