import type {
  DocumentData,
  DocumentReference,
  DocumentSnapshot,
  FirestoreDataConverter,
  QueryDocumentSnapshot,
} from "firebase-admin/firestore";

/**
 * A collection's documents as their stored type: each collection's reference applies it once, so
 * the cast from Firestore's untyped data lives here and nowhere else. The services write documents
 * whole (or by typed updates), so what a read gives back is what a write stored; nothing is
 * converted on the way, and a document written before a field existed reads without it (the
 * services default such fields where they read them).
 */
export const storedAs = <T extends DocumentData>(): FirestoreDataConverter<T, DocumentData> => ({
  toFirestore: (value) => value as DocumentData,
  fromFirestore: (snapshot: QueryDocumentSnapshot) => snapshot.data() as T,
});

type Snapshots<Refs> = { [K in keyof Refs]: Refs[K] extends DocumentReference<infer T> ? DocumentSnapshot<T> : never };

/** What a transaction and the database share for reading several documents in one round trip. */
interface DocumentReader {
  getAll(...refs: DocumentReference[]): Promise<DocumentSnapshot[]>;
}

/**
 * Several documents in one read, each snapshot typed by its own reference: Firestore applies each
 * reference's converter, but its `getAll` types every snapshot alike.
 */
export const readAll = <Refs extends readonly DocumentReference[]>(reader: DocumentReader, ...refs: Refs) =>
  reader.getAll(...refs) as Promise<Snapshots<Refs>>;
