import { z } from "zod";
import { AppError } from "./errors";

/** A strict object whose unknown-key error names the allowed keys. */
export function strictObject<T extends z.ZodRawShape>(shape: T) {
  const allowed = Object.keys(shape).join(", ");
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === "unrecognized_keys"
        ? `unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.join(", ")}; allowed: ${allowed}`
        : undefined,
  });
}

const pathOf = (prefix: string, path: PropertyKey[]): string =>
  [prefix, ...path.map(String)].filter(Boolean).join(".");

/** Parses at the edge; a failure is one 400 whose message names every failing field. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, prefix = ""): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({
    field: pathOf(prefix, issue.path) || "(body)",
    message: issue.message,
  }));
  throw new AppError(
    "invalid_argument",
    issues.map((issue) => `${issue.field}: ${issue.message}`).join("; "),
    { issues },
  );
}

/** JSON values Firestore can store: no nested arrays, no empty map keys. */
export function firestoreJsonIssue(value: unknown, insideArray = false): string | null {
  if (value === null || ["string", "number", "boolean"].includes(typeof value)) {
    return typeof value === "number" && !Number.isFinite(value) ? "numbers must be finite" : null;
  }
  if (Array.isArray(value)) {
    if (insideArray) return "arrays may not contain arrays (Firestore cannot store nested arrays)";
    for (const item of value) {
      const issue = firestoreJsonIssue(item, true);
      if (issue) return issue;
    }
    return null;
  }
  if (typeof value === "object") {
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      if (key === "" || key.startsWith("__")) return `keys must be non-empty and not start with "__" (got "${key}")`;
      const issue = firestoreJsonIssue(item, false);
      if (issue) return issue;
    }
    return null;
  }
  return `unsupported value of type ${typeof value}`;
}

export const jsonBytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value) ?? "", "utf8");

/** A 413 naming the field, the size and the limit. */
export function assertSize(field: string, size: number, limit: number, unit: string): void {
  if (size > limit) {
    throw new AppError("payload_too_large", `${field} is ${size} ${unit}; the limit is ${limit} ${unit}`, {
      field,
      size,
      limit,
    });
  }
}
