import type { Firestore } from "firebase-admin/firestore";
import { chatsCollection, toChatView } from "../chat/chat-log";
import { sessionsCollection, toSessionView } from "../chat/session-service";
import { exportMemories } from "../memory/memory-transfer";
import { ownedAis } from "./user-admin";
import { type UserRecord, toUserView } from "./user-record";

/**
 * Everything a user owns, in one file (the right of access): their record and, for each AI, its
 * registry entry, every memory (in the format an AI's import takes back), sessions and chats.
 */
export async function exportUser(db: Firestore, user: UserRecord) {
  const ais = await ownedAis(db, user.uid);
  return {
    format: "ai-memory-user-export/1",
    exported_at: new Date().toISOString(),
    user: toUserView(user),
    ais: await Promise.all(
      ais.map(async (ai) => {
        const [memories, sessions, chats] = await Promise.all([
          exportMemories(db, ai),
          sessionsCollection(db).where("ai_uuid", "==", ai.ai_uuid).get(),
          chatsCollection(db).where("ai_uuid", "==", ai.ai_uuid).get(),
        ]);
        return {
          ...memories,
          sessions: sessions.docs.map((doc) => toSessionView(doc.data())),
          chats: chats.docs.map((doc) => toChatView(doc.data())),
        };
      }),
    ),
  };
}
