import type { DocumentData, DocumentReference, SetOptions } from "firebase-admin/firestore";

/**
 * What a Transaction and a WriteBatch have in common: services that add writes to either take this,
 * so one piece of code serves a transactional edit and a plain batched create.
 */
export interface DocumentWriter {
  create(ref: DocumentReference, data: DocumentData): unknown;
  set(ref: DocumentReference, data: DocumentData, options: SetOptions): unknown;
  delete(ref: DocumentReference): unknown;
}
