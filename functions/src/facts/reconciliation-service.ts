import { createHash } from "node:crypto";
import { type DocumentSnapshot, type Firestore, Timestamp, type Transaction } from "firebase-admin/firestore";
import { assertAiNotDeleted } from "../memory/ai-deletion";
import { type MemoryChange, recordMemoryChanges } from "../memory/memory-changes";
import { memoryRef, writeVersion } from "../memory/memory-service";
import { buildMemory, nextVersion } from "../memory/memory-versions";
import type { StoredMemory } from "../memory/memory-types";
import type { Decision } from "./extraction-answer";
import { type AppliedDecision, extractionRef, isFinal } from "./extraction-record";
import { exchangesStating, supersededBy } from "./supersession";

/**
 * Applies an extraction's decisions in one transaction with its record: new facts are created,
 * updated ones get a new version (the old in history), superseded ones get `invalidated_at` and
 * `superseded_by` (a new version too, so nothing is lost), and so do the exchanges that stated
 * them, which then leave the chat context like the fact. Nothing is ever deleted.
 */

/** A long-term memory as the model was shown it. */
export interface ShownMemory {
  ref: string;
  id: string;
  version: number;
  text: string;
  /** When it became true, or was learnt (what the prompt shows beside it). */
  since: string;
}

export interface Reconciliation {
  aiUuid: string;
  chat: { id: string; session_id: string | null };
  decisions: Decision[];
  shown: ShownMemory[];
  promptTokens: number;
}

/** A memory the model saw changed before the decisions could be applied: the attempt is retried. */
export class StaleMemoryError extends Error {}

const normalized = (text: string) =>
  text
    .toLowerCase()
    .replace(/\s+/g, " ")
    .replace(/[\s.!?]+$/, "")
    .trim();
const factId = (chatId: string, index: number) =>
  `fact-${createHash("sha256").update(`${chatId}\n${index}`).digest("base64url").slice(0, 24)}`;
const existing = (doc: DocumentSnapshot<StoredMemory>) => doc.data() ?? null;

/** What the transaction reads: the record, the memories to change, and the exchanges to hide with them. */
async function readTargets(tx: Transaction, db: Firestore, input: Reconciliation) {
  const byRef = new Map(input.shown.map((memory) => [memory.ref, memory]));
  const changing = input.decisions.filter(
    (decision) => decision.action === "update" || decision.action === "supersede",
  );
  const ids = changing.map((decision) => byRef.get(decision.memory_ref!)!.id);
  const targets = ids.length
    ? (await tx.getAll(...ids.map((id) => memoryRef(db, input.aiUuid, "long_term_memory", id)))).map(existing)
    : [];
  for (const [index, decision] of changing.entries()) {
    const target = targets[index];
    const shown = byRef.get(decision.memory_ref!)!;
    if (!target || target.version !== shown.version || target.invalidated_at) {
      throw new StaleMemoryError(`memory ${shown.id} changed after it was shown to the model`);
    }
  }
  const superseded = changing.flatMap((decision, index) => (decision.action === "supersede" ? [ids[index]] : []));
  const stating = await exchangesStating(tx, db, input.aiUuid, superseded);
  const exchanges = stating.filter(({ exchange }) => exchange.id !== input.chat.id && !exchange.invalidated_at);
  return { targets: new Map(changing.map((decision, index) => [decision.memory_ref!, targets[index]!])), exchanges };
}

/** Applies the decisions once: false when a delivery before this one already did. */
export async function applyDecisions(
  db: Firestore,
  input: Reconciliation,
): Promise<{ applied: boolean; decisions: AppliedDecision[] }> {
  const { aiUuid, chat } = input;
  const recordRef = extractionRef(db, aiUuid, chat.id);
  return db.runTransaction(async (tx) => {
    await assertAiNotDeleted(tx, db, aiUuid);
    const record = (await tx.get(recordRef)).data();
    if (record && isFinal(record.status)) return { applied: false, decisions: record.decisions };
    const { targets, exchanges } = await readTargets(tx, db, input);
    const now = Timestamp.now();
    const changes: MemoryChange[] = [];
    const applied: AppliedDecision[] = [];
    const known = new Map(input.shown.map((memory) => [normalized(memory.text), memory.id]));
    const replacements = new Map<string, string>();

    const addFact = (decision: Decision, index: number, extra: Record<string, unknown>): string => {
      const memory = buildMemory(
        aiUuid,
        "long_term_memory",
        factId(chat.id, index),
        {
          content: decision.fact,
          metadata: { chat_id: chat.id, ...(decision.valid_from ? { valid_from: decision.valid_from } : {}), ...extra },
          tags: ["fact"],
          importance: 0.6,
          source: "extraction",
          session_id: chat.session_id,
        },
        now,
      );
      tx.create(memoryRef(db, aiUuid, "long_term_memory", memory.id), memory);
      changes.push({ action: "created", memory });
      known.set(normalized(decision.fact), memory.id);
      return memory.id;
    };
    const newVersion = (
      current: StoredMemory,
      data: Parameters<typeof nextVersion>[1],
      action: MemoryChange["action"],
    ) => {
      const next = nextVersion(current, data, now);
      writeVersion(tx, db, current, next);
      changes.push({ action, memory: next });
    };

    input.decisions.forEach((decision, index) => {
      const shown = input.shown.find((memory) => memory.ref === decision.memory_ref);
      const base = {
        action: decision.action,
        fact: decision.fact,
        valid_from: decision.valid_from,
        memory_id: shown?.id ?? null,
      };
      const duplicate = known.get(normalized(decision.fact));
      // Already known: said so, or a text the AI holds (a supersession only when it is the old memory's own).
      const alreadyKnown =
        decision.action === "none"
          ? shown!.id
          : decision.action !== "supersede" || duplicate === shown!.id
            ? duplicate
            : undefined;
      if (alreadyKnown) {
        applied.push({ ...base, outcome: "known", result_memory_id: alreadyKnown });
      } else if (decision.action === "add") {
        applied.push({ ...base, outcome: "added", result_memory_id: addFact(decision, index, {}) });
      } else if (decision.action === "update") {
        const current = targets.get(decision.memory_ref!)!;
        const metadata = {
          ...current.metadata,
          chat_id: chat.id,
          ...(decision.valid_from ? { valid_from: decision.valid_from } : {}),
        };
        newVersion(current, { content: decision.fact, metadata }, "updated");
        known.set(normalized(decision.fact), current.id);
        applied.push({ ...base, outcome: "updated", result_memory_id: current.id });
      } else {
        const current = targets.get(decision.memory_ref!)!;
        const replacement = duplicate ?? addFact(decision, index, { supersedes: current.id });
        newVersion(current, supersededBy(replacement, now), "superseded");
        replacements.set(current.id, replacement);
        applied.push({ ...base, outcome: "superseded", result_memory_id: replacement });
      }
    });
    const hidden = exchanges.flatMap(({ exchange, stated }) => {
      const replacement = stated.map((id) => replacements.get(id)).find(Boolean);
      if (!replacement) return [];
      newVersion(exchange, supersededBy(replacement, now), "superseded");
      return [exchange.id];
    });
    recordMemoryChanges(tx, db, changes, now);
    tx.set(
      recordRef,
      {
        status: "done",
        decisions: applied,
        // What the exchange says is true now: the new facts, never the ones it superseded.
        stated_memory_ids: [...new Set(applied.map((decision) => decision.result_memory_id!))],
        hidden_exchange_ids: hidden,
        prompt_tokens: input.promptTokens,
        last_error: null,
        leased_until: null,
        updated_at: now,
      },
      { merge: true },
    );
    return { applied: true, decisions: applied };
  });
}
