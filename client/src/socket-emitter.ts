import type { JoinAnswer, MemoryUpdate, Presence, RoomEvent } from "./types.js";

/** The events a socket delivers: room events (with the stored event) and its own lifecycle. */
export interface SocketEventMap {
  memory_update: (update: MemoryUpdate, event: RoomEvent<MemoryUpdate>) => void;
  message: (data: unknown, event: RoomEvent) => void;
  connect: () => void;
  authenticate: (info: { uid: string | undefined }) => void;
  join: (answer: JoinAnswer) => void;
  heartbeat: (presence: Presence) => void;
  disconnect: (reason: string) => void;
  error: (error: Error) => void;
}

type Handler = (...args: never[]) => void;

/** A minimal typed event emitter that works the same in Node and browsers. */
export class SocketEmitter {
  private readonly handlers = new Map<string, Set<Handler>>();

  on<K extends keyof SocketEventMap>(event: K, handler: SocketEventMap[K]): this;
  on(event: string, handler: (data: unknown, event: RoomEvent) => void): this;
  on(event: string, handler: Handler): this {
    if (!this.handlers.has(event)) this.handlers.set(event, new Set());
    this.handlers.get(event)!.add(handler);
    return this;
  }

  off(event: string, handler: Handler): this {
    this.handlers.get(event)?.delete(handler);
    return this;
  }

  /** Calls the handlers of `event`; a throwing handler is reported on `error` and stops no other. */
  protected emitLocal(event: string, ...args: unknown[]): void {
    for (const handler of [...(this.handlers.get(event) ?? [])]) {
      try {
        (handler as (...values: unknown[]) => void)(...args);
      } catch (error) {
        if (event !== "error") this.emitLocal("error", error);
      }
    }
  }
}
