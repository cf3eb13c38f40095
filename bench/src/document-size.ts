/**
 * A document's size as Firestore counts it against its 1 MiB limit (its documented storage-size
 * rules): the name's path segments, each field's name and value, and 32 bytes.
 */

const utf8 = (text: string): number => Buffer.byteLength(text, "utf8");

function valueBytes(value: unknown): number {
  if (value === null || value === undefined) return 1;
  if (typeof value === "boolean") return 1;
  if (typeof value === "number") return 8;
  if (typeof value === "string") return utf8(value) + 1;
  if (value instanceof Uint8Array) return value.length;
  if (Array.isArray(value)) return value.reduce((sum: number, each) => sum + valueBytes(each), 0);
  const object = value as Record<string, unknown> & { toMillis?: unknown; path?: unknown; toArray?: unknown };
  if (typeof object.toMillis === "function") return 8;
  if (typeof object.path === "string") return nameBytes(object.path);
  if (typeof object.toArray === "function") return 8 * (object.toArray as () => number[])().length;
  return fieldsBytes(object);
}

const fieldsBytes = (fields: Record<string, unknown>): number =>
  Object.entries(fields).reduce((sum, [name, value]) => sum + utf8(name) + 1 + valueBytes(value), 0);

/** A document name: each segment of its path, plus 16. */
const nameBytes = (path: string): number => path.split("/").reduce((sum, segment) => sum + utf8(segment) + 1, 0) + 16;

/** The stored size of the document at `path` holding `data`. */
export const documentBytes = (path: string, data: Record<string, unknown>): number =>
  nameBytes(path) + fieldsBytes(data) + 32;
