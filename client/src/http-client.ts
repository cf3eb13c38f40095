import { ChatStream } from "./chat-stream.js";
import { exportPages, importInBatches } from "./data-transfer.js";
import { readEnv } from "./env.js";
import { AiMemoryError } from "./errors.js";
import { type Call, randomId, type RequestOptions, Transport } from "./transport.js";
import type {
  Answer,
  ChatCompletionRequest,
  EmitAck,
  HeartbeatAnswer,
  JoinAnswer,
  LeaveAnswer,
  MemoryType,
  Query,
  RequestBody,
} from "./types.js";

export interface ClientOptions {
  /** The API's root: the `api` function's URL, or your Hosting site. Defaults to AI_MEMORY_BASE_URL. */
  baseURL?: string;
  /**
   * Where streamed chat goes. Firebase Hosting buffers a rewritten function's answer, so give the
   * `api` function's own URL here (https://<region>-<project>.cloudfunctions.net/api) when baseURL
   * is a Hosting site. Defaults to AI_MEMORY_STREAMING_BASE_URL, then baseURL.
   */
  streamingBaseURL?: string;
  /** The bearer: the admin key, an AI's ai_token, or a Firebase ID token. Defaults to AI_MEMORY_API_KEY. */
  apiKey?: string;
  /** Per attempt, until the answer's headers (default 60 s). */
  timeoutMs?: number;
  /** Retries of reads and of calls carrying an Idempotency-Key (creates and chat get one automatically). Default 2. */
  maxRetries?: number;
  /** A fetch implementation (default: the global one), for tests, proxies or old runtimes. */
  fetch?: typeof fetch;
  defaultHeaders?: Record<string, string>;
}

type RelayAnswers = { join: JoinAnswer; heartbeat: HeartbeatAnswer; leave: LeaveAnswer };
/** The body of a relay action, without the action itself. */
type RelayBody<A extends keyof RelayAnswers> = Omit<Extract<RequestBody<"relay">, { action: A }>, "action">;
const enc = encodeURIComponent;

/**
 * The HTTP API, typed from its OpenAPI document: the seed routes, the REST resources, chat (plain
 * and streamed) and the relay. Every error status is its own error class (see errors.ts).
 * Socket-style events live in the separate entry point `ai-memory-client/socket`.
 */
export class AiMemory {
  readonly baseURL: string;
  readonly streamingBaseURL: string;
  readonly apiKey: string | undefined;
  private readonly options: ClientOptions;
  private readonly transport: Transport;

  constructor(options: ClientOptions = {}) {
    const baseURL = options.baseURL ?? readEnv("AI_MEMORY_BASE_URL");
    if (!baseURL) throw new AiMemoryError("baseURL is missing: pass { baseURL } or set AI_MEMORY_BASE_URL");
    this.baseURL = baseURL.replace(/\/+$/, "");
    this.streamingBaseURL = (
      options.streamingBaseURL ??
      readEnv("AI_MEMORY_STREAMING_BASE_URL") ??
      this.baseURL
    ).replace(/\/+$/, "");
    this.apiKey = options.apiKey ?? readEnv("AI_MEMORY_API_KEY");
    this.options = options;
    this.transport = new Transport({
      baseURL: this.baseURL,
      apiKey: this.apiKey,
      timeoutMs: options.timeoutMs ?? 60_000,
      maxRetries: options.maxRetries ?? 2,
      fetch: options.fetch ?? globalThis.fetch.bind(globalThis),
      defaultHeaders: options.defaultHeaders,
    });
  }

  /** The same client with some options changed, e.g. `withOptions({ apiKey: handshake.tokens.ai_token })`. */
  withOptions(options: ClientOptions): AiMemory {
    return new AiMemory({
      ...this.options,
      baseURL: this.baseURL,
      streamingBaseURL: this.streamingBaseURL,
      apiKey: this.apiKey,
      ...options,
    });
  }

  /** `{ai_name}` creates an AI (admin); `{ai_uuid}` resumes one with fresh tokens and a new session. */
  handshake(body: RequestBody<"handshake">, options?: RequestOptions) {
    return this.call<Answer<"handshake">>({ method: "POST", path: "/v1/handshake", body, ...options });
  }

  readonly ais = {
    list: (query: Query<"listAis"> = {}) => this.call<Answer<"listAis">>({ method: "GET", path: "/v1/ais", query }),
    create: (body: RequestBody<"createAi">) => this.call<Answer<"createAi">>({ method: "POST", path: "/v1/ais", body }),
    retrieve: (aiUuid: string) => this.call<Answer<"getAi">>({ method: "GET", path: `/v1/ais/${enc(aiUuid)}` }),
    update: (aiUuid: string, body: RequestBody<"updateAi">) =>
      this.call<Answer<"updateAi">>({ method: "PATCH", path: `/v1/ais/${enc(aiUuid)}`, body }),
    delete: (aiUuid: string) => this.call<Answer<"deleteAi">>({ method: "DELETE", path: `/v1/ais/${enc(aiUuid)}` }),
    revokeTokens: (aiUuid: string) =>
      this.call<Answer<"revokeTokens">>({ method: "POST", path: `/v1/ais/${enc(aiUuid)}/revoke_tokens` }),
    /** One page of the AI's memory (200 memories by default); `next_cursor` asks for the next. */
    export: (aiUuid: string, query: Query<"exportAi"> = {}) =>
      this.call<Answer<"exportAi">>({ method: "GET", path: `/v1/ais/${enc(aiUuid)}/export`, query }),
    /** The AI's whole memory, page by page: `for await (const page of client.ais.exportPages(id))`. */
    exportPages: (aiUuid: string) => exportPages((cursor) => this.ais.export(aiUuid, cursor ? { cursor } : {})),
    /** Imports any number of memories, 200 per call (each call all or nothing). */
    import: (aiUuid: string, body: RequestBody<"importMemories">) =>
      importInBatches(body.memories, (memories) =>
        this.call<Answer<"importMemories">>({
          method: "POST",
          path: `/v1/ais/${enc(aiUuid)}/import`,
          body: { memories },
        }),
      ),
  };

  readonly memories = {
    /** Retried safely: an Idempotency-Key is sent (a fresh one unless given). */
    create: (body: RequestBody<"createMemory">, options?: RequestOptions) =>
      this.call<Answer<"createMemory">>({
        method: "POST",
        path: "/create_memory",
        body,
        ...options,
        idempotencyKey: options?.idempotencyKey ?? randomId(),
      }),
    edit: (body: RequestBody<"editMemory">) =>
      this.call<Answer<"editMemory">>({ method: "POST", path: "/edit_memory", body }),
    delete: (body: RequestBody<"deleteMemory">) =>
      this.call<Answer<"deleteMemory">>({ method: "POST", path: "/delete_memory", body }),
    move: (body: RequestBody<"moveMemory">) =>
      this.call<Answer<"moveMemory">>({ method: "POST", path: "/move_memory", body }),
    retrieve: (
      body: Omit<RequestBody<"retrieveMemories">, "memory_type"> & {
        memory_type?: RequestBody<"retrieveMemories">["memory_type"];
      },
    ) =>
      this.call<Answer<"retrieveMemories">>({
        method: "POST",
        path: "/retrieve_memories",
        body: { memory_type: "all", ...body },
        idempotent: true,
      }),
    /** Newest first, filtered by the query (q, tags, source, created_after/before), paged by cursor. */
    list: (aiUuid: string, query: Query<"listAiMemories"> = {}) =>
      this.call<Answer<"listAiMemories">>({ method: "GET", path: `/v1/ais/${enc(aiUuid)}/memories`, query }),
    get: (aiUuid: string, type: MemoryType, id: string) =>
      this.call<Answer<"getAiMemory">>({
        method: "GET",
        path: `/v1/ais/${enc(aiUuid)}/memories/${enc(type)}/${enc(id)}`,
      }),
    /** Creates the memory with this id (201), or replaces it whole as its next version (200). */
    put: (aiUuid: string, type: MemoryType, id: string, body: RequestBody<"putAiMemory">) =>
      this.call<Answer<"putAiMemory">>({
        method: "PUT",
        path: `/v1/ais/${enc(aiUuid)}/memories/${enc(type)}/${enc(id)}`,
        body,
        idempotent: true,
      }),
    history: (aiUuid: string, type: MemoryType, id: string) =>
      this.call<Answer<"aiMemoryHistory">>({
        method: "GET",
        path: `/v1/ais/${enc(aiUuid)}/memories/${enc(type)}/${enc(id)}/history`,
      }),
    /** By relevance to a query (keyword, and vector when the server has embeddings). */
    search: (aiUuid: string, body: RequestBody<"searchMemories">) =>
      this.call<Answer<"searchMemories">>({
        method: "POST",
        path: `/v1/ais/${enc(aiUuid)}/memories/search`,
        body,
        idempotent: true,
      }),
    /** Undoes a supersession (admin): the memory, and the exchanges hidden with it, current again. */
    restore: (aiUuid: string, type: MemoryType, id: string) =>
      this.call<Answer<"restoreAiMemory">>({
        method: "POST",
        path: `/v1/ais/${enc(aiUuid)}/memories/${enc(type)}/${enc(id)}/restore`,
      }),
  };

  /** What fact extraction did with each chat exchange (admin). */
  readonly extractions = {
    list: (aiUuid: string, query: Query<"listExtractions"> = {}) =>
      this.call<Answer<"listExtractions">>({ method: "GET", path: `/v1/ais/${enc(aiUuid)}/extractions`, query }),
    retrieve: (aiUuid: string, chatId: string) =>
      this.call<Answer<"getExtraction">>({ method: "GET", path: `/v1/ais/${enc(aiUuid)}/extractions/${enc(chatId)}` }),
  };

  readonly sessions = {
    create: (aiUuid: string, body: RequestBody<"createSession"> = {}) =>
      this.call<Answer<"createSession">>({ method: "POST", path: `/v1/ais/${enc(aiUuid)}/sessions`, body }),
    list: (aiUuid: string, query: Query<"listSessions"> = {}) =>
      this.call<Answer<"listSessions">>({ method: "GET", path: `/v1/ais/${enc(aiUuid)}/sessions`, query }),
    /** The session and its exchanges, oldest first. */
    chats: (aiUuid: string, sessionId: string, query: Query<"listSessionChats"> = {}) =>
      this.call<Answer<"listSessionChats">>({
        method: "GET",
        path: `/v1/ais/${enc(aiUuid)}/sessions/${enc(sessionId)}/chats`,
        query,
      }),
    /** An agent framework's conversation, kept in order under the session (see docs/adapters.md). */
    items: {
      /** The newest `limit` items (before `before`), oldest first, and where the older page ends. */
      list: (aiUuid: string, sessionId: string, query: Query<"listSessionItems"> = {}) =>
        this.call<Answer<"listSessionItems">>({ method: "GET", path: this.itemsPath(aiUuid, sessionId), query }),
      /** Retried safely: an Idempotency-Key is sent (a fresh one unless given). */
      append: (aiUuid: string, sessionId: string, body: RequestBody<"appendSessionItems">, options?: RequestOptions) =>
        this.call<Answer<"appendSessionItems">>({
          method: "POST",
          path: this.itemsPath(aiUuid, sessionId),
          body,
          ...options,
          idempotencyKey: options?.idempotencyKey ?? randomId(),
        }),
      pop: (aiUuid: string, sessionId: string) =>
        this.call<Answer<"popSessionItem">>({ method: "DELETE", path: `${this.itemsPath(aiUuid, sessionId)}/last` }),
      clear: (aiUuid: string, sessionId: string) =>
        this.call<Answer<"clearSessionItems">>({ method: "DELETE", path: this.itemsPath(aiUuid, sessionId) }),
    },
  };

  readonly chat = {
    completions: {
      /**
       * OpenAI's request plus `session_id` (a new id starts that session) or, for the admin,
       * `ai_uuid`. With `stream: true`, a ChatStream sent to `streamingBaseURL`. Retried safely:
       * an Idempotency-Key is sent (a fresh one unless given).
       */
      create: ((body: ChatCompletionRequest, options?: RequestOptions) => {
        const call: Call = {
          method: "POST",
          path: "/v1/chat/completions",
          body,
          ...options,
          idempotencyKey: options?.idempotencyKey ?? randomId(),
        };
        return body.stream ? this.stream(call) : this.call<Answer<"createChatCompletion">>(call);
      }) as {
        (body: ChatCompletionRequest & { stream: true }, options?: RequestOptions): Promise<ChatStream>;
        (
          body: ChatCompletionRequest & { stream?: false },
          options?: RequestOptions,
        ): Promise<Answer<"createChatCompletion">>;
      },
    },
  };

  readonly models = {
    list: () => this.call<Answer<"listModels">>({ method: "GET", path: "/v1/models" }),
    retrieve: (model: string) => this.call<Answer<"getModel">>({ method: "GET", path: `/v1/models/${enc(model)}` }),
  };

  readonly relay = {
    /** An emit with an `event_id` is written once however often it is retried. */
    emit: (body: Omit<Extract<RequestBody<"relay">, { event: string }>, "action">) =>
      this.call<EmitAck>({ method: "POST", path: "/v1/relay", body, idempotent: Boolean(body.event_id) }),
    join: (body: RelayBody<"join"> = {}) => this.relayCall<"join">({ action: "join", ...body }),
    heartbeat: (body: RelayBody<"heartbeat">) => this.relayCall<"heartbeat">({ action: "heartbeat", ...body }),
    leave: (body: RelayBody<"leave">) => this.relayCall<"leave">({ action: "leave", ...body }),
  };

  /** Any route: answers the parsed JSON, or throws the APIError subclass of the status. */
  request<T>(method: string, path: string, body?: unknown, options?: RequestOptions): Promise<T> {
    return this.call<T>({ method, path, body, idempotent: method === "GET", ...options });
  }

  private call<T>(call: Call): Promise<T> {
    return this.transport.json<T>({ idempotent: call.method === "GET", ...call });
  }

  private itemsPath(aiUuid: string, sessionId: string): string {
    return `/v1/ais/${enc(aiUuid)}/sessions/${enc(sessionId)}/items`;
  }

  private relayCall<A extends keyof RelayAnswers>(body: RequestBody<"relay">) {
    return this.call<RelayAnswers[A]>({ method: "POST", path: "/v1/relay", body, idempotent: true });
  }

  private async stream(call: Call): Promise<ChatStream> {
    const controller = new AbortController();
    call.signal?.addEventListener("abort", () => controller.abort(), { once: true });
    const response = await this.transport.send({
      ...call,
      baseURL: this.streamingBaseURL,
      signal: controller.signal,
      headers: { ...call.headers, accept: "text/event-stream" },
    });
    return new ChatStream(response, controller);
  }
}
