/**
 * A chat exchange's working-memory document as the services store one, for fixtures written
 * straight into the emulator. `created` is the caller's Timestamp (the bench and the tests each
 * use their own copy of firebase-admin).
 */
export const exchangeMemoryDocument = <T>(aiUuid: string, content: string, created: T) => ({
  ai_uuid: aiUuid,
  memory_type: "working_memory",
  content,
  metadata: {},
  tags: [],
  importance: 0.5,
  source: "chat",
  session_id: null,
  created_at: created,
  updated_at: created,
  version: 1,
  expires_at: null,
});
