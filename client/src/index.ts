export { AiMemory, type ClientOptions } from "./http-client";
export { AiMemorySocket, type SocketOptions } from "./socket";
export type { SocketEventMap } from "./socket-emitter";
export * from "./errors";
export * from "./types";
