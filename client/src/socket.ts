import { deleteApp, type FirebaseApp } from "firebase/app";
import { type Auth, signInWithCustomToken, signOut } from "firebase/auth";
import {
  collection,
  type DocumentData,
  documentId,
  type Firestore,
  onSnapshot,
  orderBy,
  query,
  startAfter,
  startAt,
  type Timestamp,
  type Unsubscribe,
} from "firebase/firestore";
import { AiMemoryError, APIConnectionError } from "./errors.js";
import { type FirebaseConnectionOptions, openFirebase, toRoomEvent } from "./firebase-connection.js";
import type { AiMemory } from "./http-client.js";
import { DeliveredEvents, positionOf, type ReadPosition } from "./read-position.js";
import { SocketEmitter } from "./socket-emitter.js";
import type { EmitAck, Handshake, JoinAnswer, MemoryUpdate, RoomPosition } from "./types.js";

export interface SocketOptions extends FirebaseConnectionOptions {
  /** The HTTP client; the relay is called with the handshake's ai_token when there is one. */
  api: AiMemory;
  /** Tokens from a handshake; without it `connect` makes one (`{ ai_uuid }`) with the client's key. */
  handshake?: Handshake;
  aiUuid?: string;
  /** This client's name in presence and as the sender of its events (default: random). */
  clientId?: string;
  /** Heartbeat period; default what `join` answers (30 s). */
  heartbeatIntervalMs?: number;
  /** Deliver this client's own emits back to it too (socket.io does not; default false). */
  receiveOwnEvents?: boolean;
  /** Resume after this position (an event's `at_timestamp` and id) instead of "from now" on the first join. */
  resumeAfter?: Pick<RoomPosition, "event_id" | "at_timestamp">;
}

const RECONNECT_DELAYS_MS = [250, 500, 1000, 2000, 5000, 10_000];

const randomId = () => `c${Math.random().toString(36).slice(2, 10)}${Date.now().toString(36)}`;

/**
 * A socket-style client over an AI's room. The server side is Firestore: the room is a collection
 * the client listens to in commit order (`at`, then the event id), and what a socket would send
 * (emit, join, heartbeat) goes to `POST /v1/relay`. After a disconnect it resumes after the last
 * event it delivered (reading a little before it again, see DeliveredEvents), so no event is lost
 * or delivered twice, and a notice older than the version it holds of a memory is dropped.
 */
export class AiMemorySocket extends SocketEmitter {
  readonly clientId: string;
  private delivered: DeliveredEvents;
  private handshakeAnswer: Handshake | undefined;
  private relayApi: AiMemory;
  private app: FirebaseApp | null = null;
  private auth: Auth | null = null;
  private db: Firestore | null = null;
  private unsubscribe: Unsubscribe | null = null;
  private heartbeatTimer: ReturnType<typeof setInterval> | null = null;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private attempts = 0;
  private joined: JoinAnswer | null = null;
  private closed = false;

  constructor(private readonly options: SocketOptions) {
    super();
    this.clientId = options.clientId ?? randomId();
    this.delivered = new DeliveredEvents(options.resumeAfter ? positionOf(options.resumeAfter) : null);
    this.handshakeAnswer = options.handshake;
    this.relayApi = options.handshake
      ? options.api.withOptions({ apiKey: options.handshake.tokens.ai_token })
      : options.api;
  }

  get aiUuid(): string {
    const aiUuid = this.handshakeAnswer?.ai_uuid ?? this.options.aiUuid;
    if (!aiUuid) throw new AiMemoryError("no AI: pass { handshake } or { aiUuid }");
    return aiUuid;
  }

  /** The newest event delivered (or skipped as this client's own): where a new socket may resume. */
  get position(): ReadPosition | null {
    return this.delivered.position;
  }

  get connected(): boolean {
    return this.unsubscribe !== null;
  }

  /** authenticate + join; emits `connect`. Also resumes after `disconnect()`. */
  async connect(): Promise<this> {
    this.closed = false;
    await this.authenticate();
    await this.join();
    this.emitLocal("connect");
    return this;
  }

  /** Signs the Firebase client in with the handshake's custom token (uid `ai-<uuid>`, claim ai_uuid). */
  async authenticate(): Promise<void> {
    if (this.auth?.currentUser) return;
    if (!this.handshakeAnswer) {
      this.handshakeAnswer = await this.options.api.handshake({ ai_uuid: this.aiUuid });
      this.relayApi = this.options.api.withOptions({ apiKey: this.handshakeAnswer.tokens.ai_token });
    }
    const { auth } = this.firebase();
    try {
      await signInWithCustomToken(auth, this.handshakeAnswer.tokens.firebase_custom_token);
    } catch (error) {
      // A custom token lives an hour: handshake again for a fresh one, once.
      this.handshakeAnswer = await this.options.api.handshake({ ai_uuid: this.aiUuid });
      this.relayApi = this.options.api.withOptions({ apiKey: this.handshakeAnswer.tokens.ai_token });
      await signInWithCustomToken(auth, this.handshakeAnswer.tokens.firebase_custom_token).catch(() => {
        throw new AiMemoryError(`authenticate: ${(error as Error).message}`);
      });
    }
    this.emitLocal("authenticate", { uid: auth.currentUser?.uid });
  }

  /** Joins the AI's room: listens after the last event seen, or from now on the first join; starts the heartbeat. */
  async join(): Promise<JoinAnswer> {
    const answer = await this.relayApi.relay.join({ ai_uuid: this.aiUuid, client_id: this.clientId });
    this.joined = answer;
    if (!this.delivered.position && answer.resume_after)
      this.delivered = new DeliveredEvents(positionOf(answer.resume_after));
    this.listen(answer.room);
    this.startHeartbeat(this.options.heartbeatIntervalMs ?? answer.heartbeat_interval_ms);
    this.emitLocal("join", answer);
    return answer;
  }

  /** Writes an event in the room; resolves with the ack (event id and commit time). Retried emits are written once. */
  async emit(event: string, data?: unknown): Promise<EmitAck> {
    const eventId = randomId() + randomId();
    const send = () =>
      this.relayApi.relay.emit({ ai_uuid: this.aiUuid, client_id: this.clientId, event, data, event_id: eventId });
    try {
      return await send();
    } catch (error) {
      if (!(error instanceof APIConnectionError)) throw error;
      return send();
    }
  }

  /** Stops listening and the heartbeat, keeps the sign-in and the read position: `connect()` resumes. */
  disconnect(reason = "client disconnect"): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.stopTimers();
    this.emitLocal("disconnect", reason);
  }

  /** Leaves the room (presence removed), signs out and frees the Firebase app. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.connected) this.disconnect("client close");
    this.stopTimers();
    await this.relayApi.relay.leave({ ai_uuid: this.aiUuid, client_id: this.clientId }).catch(() => undefined);
    if (this.auth) await signOut(this.auth).catch(() => undefined);
    if (this.app) await deleteApp(this.app);
    this.app = this.auth = this.db = null;
  }

  private firebase(): { auth: Auth; db: Firestore } {
    if (!this.app || !this.auth || !this.db)
      ({ app: this.app, auth: this.auth, db: this.db } = openFirebase(this.clientId, this.options));
    return { auth: this.auth, db: this.db };
  }

  private listen(room: string): void {
    this.unsubscribe?.();
    const { db } = this.firebase();
    const ordered = [orderBy("at"), orderBy(documentId())] as const;
    const from = this.delivered.readFrom();
    const cursor = !from ? [] : "after" in from ? [startAfter(from.after.at, from.after.eventId)] : [startAt(from.at)];
    const events = query(collection(db, room), ...ordered, ...cursor);
    this.unsubscribe = onSnapshot(
      events,
      (snapshot) => {
        this.attempts = 0;
        // Added documents come in query order: commit order (within one snapshot).
        for (const change of snapshot.docChanges())
          if (change.type === "added") this.deliver(change.doc.data(), change.doc.get("at"));
      },
      (error) => this.lost(error),
    );
  }

  private deliver(raw: DocumentData, at: Timestamp): void {
    const event = toRoomEvent(raw);
    if (!this.delivered.admit(at, event.id)) return;
    if (event.event === "memory_update" && !this.delivered.isCurrent(event.data as MemoryUpdate)) return;
    const own = "client_id" in event.sender && event.sender.client_id === this.clientId;
    if (own && !this.options.receiveOwnEvents) return;
    this.emitLocal(event.event, event.data, event);
  }

  /** The listener failed for good (e.g. signed out, rules): report, then rejoin with backoff. */
  private lost(error: Error): void {
    this.unsubscribe = null;
    this.stopTimers();
    this.emitLocal("error", error);
    this.emitLocal("disconnect", error.message);
    if (this.closed) return;
    const delay = RECONNECT_DELAYS_MS[Math.min(this.attempts++, RECONNECT_DELAYS_MS.length - 1)];
    this.reconnectTimer = setTimeout(() => {
      this.connect().catch((failure: Error) => this.lost(failure));
    }, delay);
    unrefTimer(this.reconnectTimer);
  }

  private startHeartbeat(intervalMs: number): void {
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = setInterval(() => {
      this.relayApi.relay
        .heartbeat({ ai_uuid: this.aiUuid, client_id: this.clientId })
        .then((presence) => this.emitLocal("heartbeat", presence))
        .catch((error: Error) => this.emitLocal("error", error));
    }, intervalMs);
    unrefTimer(this.heartbeatTimer);
  }

  private stopTimers(): void {
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.heartbeatTimer = this.reconnectTimer = null;
  }

  /** The last join answer: the room path, presence path and heartbeat period. */
  get room(): JoinAnswer | null {
    return this.joined;
  }
}

/** Node timers would keep a process alive for a heartbeat; browsers' timers are numbers. */
function unrefTimer(timer: unknown): void {
  (timer as { unref?: () => void }).unref?.();
}
