/** The HTTP client. Socket-style events (Firebase listeners) are in `ai-memory-client/socket`. */
export { AiMemory, type ClientOptions } from "./http-client.js";
export { ChatStream } from "./chat-stream.js";
export type { RequestOptions } from "./transport.js";
export * from "./errors.js";
export * from "./types.js";
