/** `ai-memory-client/socket`: socket-style events over Firestore listeners (needs the `firebase` package). */
export { AiMemorySocket, type SocketOptions } from "./socket.js";
export type { SocketEventMap } from "./socket-emitter.js";
