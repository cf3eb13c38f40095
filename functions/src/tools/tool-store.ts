import { type Firestore, Timestamp } from "firebase-admin/firestore";
import { AppError, notFound } from "../errors";
import { storedAs } from "../firestore-converter";
import { assertAiNotDeleted } from "../memory/ai-deletion";
import { registryRef } from "../memory/registry-service";
import { open, type SealedSecret, seal } from "./secret-box";
import { SECRET_REFERENCE, type ToolBody } from "./tool-schemas";

/**
 * An AI's custom tools (`ai_registry/{ai_uuid}/tools/{name}`) and their secrets
 * (`ai_registry/{ai_uuid}/tool_secrets/{name}`, sealed). Neither subcollection is open to clients
 * under firestore.rules; secrets leave this module only as header values of a tool call.
 */
export type StoredTool = ToolBody & { name: string; created_at: Timestamp; updated_at: Timestamp };
interface StoredSecret extends SealedSecret {
  name: string;
  updated_at: Timestamp;
}

/** Enough for any real agent, and a bound on what a chat turn loads. */
export const MAX_TOOLS = 32;

const toolsOf = (db: Firestore, aiUuid: string) =>
  registryRef(db, aiUuid).collection("tools").withConverter(storedAs<StoredTool>());
const secretsOf = (db: Firestore, aiUuid: string) =>
  registryRef(db, aiUuid).collection("tool_secrets").withConverter(storedAs<StoredSecret>());

export async function listTools(db: Firestore, aiUuid: string): Promise<StoredTool[]> {
  return (await toolsOf(db, aiUuid).limit(MAX_TOOLS).get()).docs.map((doc) => doc.data());
}

export async function getTool(db: Firestore, aiUuid: string, name: string): Promise<StoredTool> {
  const tool = (await toolsOf(db, aiUuid).doc(name).get()).data();
  if (!tool) throw notFound(`tool ${name}`);
  return tool;
}

/** Creates or replaces a tool; the count is checked in the same transaction. */
export async function putTool(
  db: Firestore,
  aiUuid: string,
  name: string,
  body: ToolBody,
  now = Timestamp.now(),
): Promise<{ tool: StoredTool; created: boolean }> {
  const ref = toolsOf(db, aiUuid).doc(name);
  return db.runTransaction(async (tx) => {
    await assertAiNotDeleted(tx, db, aiUuid);
    const existing = (await tx.get(ref)).data();
    if (!existing) {
      const count = (await tx.get(toolsOf(db, aiUuid).count())).data().count;
      if (count >= MAX_TOOLS)
        throw new AppError("resource_exhausted", `an AI may have at most ${MAX_TOOLS} tools`, { field: "name" });
    }
    const tool: StoredTool = { ...body, name, created_at: existing?.created_at ?? now, updated_at: now };
    tx.set(ref, tool);
    return { tool, created: !existing };
  });
}

export async function deleteTool(db: Firestore, aiUuid: string, name: string): Promise<void> {
  await getTool(db, aiUuid, name);
  await toolsOf(db, aiUuid).doc(name).delete();
}

const labelOf = (aiUuid: string, name: string) => `${aiUuid}/${name}`;

export async function putSecret(db: Firestore, key: string, aiUuid: string, name: string, value: string) {
  const updated_at = Timestamp.now();
  await secretsOf(db, aiUuid)
    .doc(name)
    .set({ name, updated_at, ...seal(key, labelOf(aiUuid, name), value) });
  return { name, updated_at: updated_at.toDate().toISOString() };
}

/** The names a tool's headers refer to. */
export const secretNamesIn = (headers: Record<string, string>): string[] => [
  ...new Set(Object.values(headers).flatMap((value) => [...value.matchAll(SECRET_REFERENCE)].map((match) => match[1]))),
];

/** The opened secrets a tool needs, by name; a missing one fails the call, not the chat. */
export async function secretsFor(
  db: Firestore,
  key: string,
  aiUuid: string,
  names: string[],
): Promise<Map<string, string>> {
  if (names.length === 0) return new Map();
  const refs = names.map((name) => secretsOf(db, aiUuid).doc(name));
  const docs = await Promise.all(refs.map((ref) => ref.get()));
  return new Map(
    docs.map((doc, index) => {
      const sealed = doc.data();
      if (!sealed) throw new AppError("failed_precondition", `secret ${names[index]} is not set`);
      return [names[index], open(key, labelOf(aiUuid, names[index]), sealed)];
    }),
  );
}

/** Header values with their `{{secret:NAME}}` references filled in. */
export const withSecrets = (headers: Record<string, string>, secrets: Map<string, string>): Record<string, string> =>
  Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [
      name,
      value.replace(SECRET_REFERENCE, (_, secret: string) => secrets.get(secret) ?? ""),
    ]),
  );

/** A tool as the API answers it: header values as configured, so secrets show only as references. */
export function toToolView(tool: StoredTool) {
  return {
    ...tool,
    created_at: tool.created_at.toDate().toISOString(),
    updated_at: tool.updated_at.toDate().toISOString(),
  };
}
