import { z } from "zod";
import { documentIdSchema } from "./firestore-values";

/**
 * The ids the API takes, one schema each, wherever they arrive (a path, a body, an MCP tool, a
 * cursor, a token's `sub`). Every id but the AI's names a Firestore document, so it is one.
 */

export const aiUuidSchema = z.uuid({ error: "must be a UUID" });

/** A memory's id, the same in each of the four collections (a chat's working memory takes the chat's). */
export const memoryIdSchema = documentIdSchema(128);
/** A chat exchange's id (`chats/{chat_id}`). */
export const chatIdSchema = memoryIdSchema;
/** A session's id, the AI's own: a client may pick it (e.g. its thread id). */
export const sessionIdSchema = documentIdSchema(128);
/** A relay client's id (its presence document) and a client event's id: short, they are signals. */
export const clientIdSchema = documentIdSchema(64);
export const clientEventIdSchema = clientIdSchema;
/** A Firebase Auth user's uid (`users/{uid}`): the providers' uids are letters and digits. */
export const userUidSchema = documentIdSchema(128);
