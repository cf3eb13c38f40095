import { z } from "zod";

/**
 * What Firestore refuses, checked before anything is written: its refusals surface as a 500 (or,
 * inside a transaction, as retries until a timeout), so they are 400s naming the field here.
 * Every walk is iterative: a body nested 10,000 levels deep is refused, not a stack overflow.
 */

/** Containers (maps and arrays) one stored field may nest. */
export const MAX_STORED_DEPTH = 20;
/** Containers a request body may nest at all; stored fields are held to MAX_STORED_DEPTH. */
export const MAX_REQUEST_DEPTH = 64;
export const MAX_FIELD_PATH_BYTES = 1500;
/** Firestore's timestamps: 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999999Z. */
export const MIN_TIMESTAMP_MS = Date.parse("0001-01-01T00:00:00Z");
export const MAX_TIMESTAMP_MS = Date.parse("9999-12-31T23:59:59.999Z");

const LONE_SURROGATE = /\p{Cs}/u;
/** Keys JavaScript gives a meaning of their own, refused where keys become lookups (metadata). */
export const OBJECT_MACHINERY_KEYS = ["__proto__", "constructor", "prototype"];

export interface ValueIssue {
  path: PropertyKey[];
  message: string;
}

export const hasLoneSurrogate = (text: string): boolean => LONE_SURROGATE.test(text);
const LONE_SURROGATE_MESSAGE = "holds a lone UTF-16 surrogate (not valid Unicode text)";

interface Pending {
  value: unknown;
  path: PropertyKey[];
  depth: number;
  inArray: boolean;
  pathBytes: number;
}

interface WalkRules {
  maxDepth: number;
  key(key: string, pathBytes: number): string | null;
  nestedArrays: boolean;
}

function walk(root: unknown, rules: WalkRules, rootPathBytes = 0): ValueIssue | null {
  const stack: Pending[] = [{ value: root, path: [], depth: 0, inArray: false, pathBytes: rootPathBytes }];
  while (stack.length > 0) {
    const { value, path, depth, inArray, pathBytes } = stack.pop()!;
    if (typeof value === "string") {
      if (hasLoneSurrogate(value)) return { path, message: LONE_SURROGATE_MESSAGE };
      continue;
    }
    if (typeof value === "number") {
      if (!Number.isFinite(value)) return { path, message: "numbers must be finite" };
      continue;
    }
    if (value === null || typeof value === "boolean") continue;
    if (typeof value !== "object") return { path, message: `unsupported value of type ${typeof value}` };
    if (depth >= rules.maxDepth) return { path, message: `nested deeper than ${rules.maxDepth} levels` };
    if (Array.isArray(value)) {
      if (inArray && !rules.nestedArrays) {
        return { path, message: "arrays may not contain arrays (Firestore cannot store nested arrays)" };
      }
      value.forEach((item, index) => stack.push({ value: item, path: [...path, index], depth: depth + 1, inArray: true, pathBytes }));
      continue;
    }
    for (const [key, item] of Object.entries(value)) {
      // A field path segment may be quoted with backticks and joined with a dot: 3 bytes at most.
      const keyPathBytes = pathBytes + Buffer.byteLength(key, "utf8") + 3;
      const keyIssue = hasLoneSurrogate(key) ? `the key ${LONE_SURROGATE_MESSAGE}` : rules.key(key, keyPathBytes);
      if (keyIssue) return { path: [...path, key], message: keyIssue };
      stack.push({ value: item, path: [...path, key], depth: depth + 1, inArray: false, pathBytes: keyPathBytes });
    }
  }
  return null;
}

/** A field of a stored document (content, metadata, an event's data): what Firestore can hold. */
export function storedValueIssue(value: unknown, options: { fieldName: string; refuseKeys?: string[] }): ValueIssue | null {
  return walk(
    value,
    {
      maxDepth: MAX_STORED_DEPTH,
      nestedArrays: false,
      key(key, pathBytes) {
        if (key === "" || key.startsWith("__")) return `keys must be non-empty and not start with "__" (got "${key.slice(0, 40)}")`;
        if (options.refuseKeys?.includes(key)) return `"${key}" is not allowed as a key`;
        if (pathBytes > MAX_FIELD_PATH_BYTES) return `the field path is over ${MAX_FIELD_PATH_BYTES} bytes (Firestore's limit)`;
        return null;
      },
    },
    Buffer.byteLength(options.fieldName, "utf8"),
  );
}

/** Any JSON request body: bounded nesting, valid Unicode text, no `__proto__` keys. */
export function requestValueIssue(value: unknown): ValueIssue | null {
  return walk(value, {
    maxDepth: MAX_REQUEST_DEPTH,
    nestedArrays: true,
    key: (key) => (key === "__proto__" ? `"__proto__" is not allowed as a key` : null),
  });
}

/** A zod refinement: the value fits in one Firestore field; an issue names the exact path inside it. */
export const fitsFirestoreField = <T extends z.ZodType>(schema: T, fieldName: string, refuseKeys?: string[]) =>
  schema.superRefine((value, ctx) => {
    if (value === undefined) return;
    const issue = storedValueIssue(value, { fieldName, refuseKeys });
    if (issue) ctx.addIssue({ code: "custom", message: issue.message, path: issue.path });
  });

/** Document ids as Firestore takes them in a path segment; callers add their own charset and length. */
export const documentIdSchema = (maxChars: number) =>
  z
    .string({ error: "must be a string" })
    .min(1, "must not be empty")
    .max(maxChars, `must be at most ${maxChars} characters`)
    .regex(/^[A-Za-z0-9_-]+$/, "may hold only letters, digits, _ and -")
    .refine((id) => !/^__.*__$/.test(id), "must not have the form __name__ (reserved by Firestore)");

export const inTimestampRange = (ms: number): boolean =>
  Number.isFinite(ms) && ms >= MIN_TIMESTAMP_MS && ms <= MAX_TIMESTAMP_MS;

const TIMESTAMP_RANGE_MESSAGE = "must be between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z (Firestore's range)";

/** An ISO 8601 date-time that Firestore can store as a timestamp. */
export const firestoreDateSchema = z.iso
  .datetime({ offset: true, error: "must be an ISO 8601 date-time, e.g. 2025-01-31T12:00:00Z" })
  .refine((iso) => inTimestampRange(Date.parse(iso)), TIMESTAMP_RANGE_MESSAGE);

/** Milliseconds since the epoch, as a cursor carries them. */
export const timestampMillisSchema = z
  .number()
  .int()
  .refine(inTimestampRange, TIMESTAMP_RANGE_MESSAGE);
