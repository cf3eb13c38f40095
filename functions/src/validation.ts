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

export const pathOf = (prefix: string, path: readonly PropertyKey[]): string =>
  [prefix, ...path.map(String)].filter(Boolean).join(".");

type Issue = z.core.$ZodIssue;

/**
 * A union's issues, replaced by those of the branch the value was meant for: the branches whose
 * type matched (their issues are deeper than the union itself), or failing that all of them.
 */
function explain(issue: Issue): Issue[] {
  if (issue.code !== "invalid_union" || issue.errors.length === 0) return [issue];
  const typeMatched = issue.errors.filter(
    (branch) => !branch.some((inner) => inner.path.length === 0 && inner.code === "invalid_type"),
  );
  if (typeMatched.length !== 1) return [issue];
  return typeMatched[0].flatMap((inner) => explain({ ...inner, path: [...issue.path, ...inner.path] } as Issue));
}

/** The codes a field that is simply absent fails with: its rule's own message would mislead ("must be a UUID"). */
const ABSENT_CODES = new Set<Issue["code"]>(["invalid_type", "invalid_value", "invalid_union", "invalid_format"]);

const isAbsent = (value: unknown, path: readonly PropertyKey[]): boolean => {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== "object") return false;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return path.length > 0 && current === undefined;
};

/** One issue per failing field: an unknown key is named as the field it would be, a missing one as required. */
const fieldIssues = (issue: Issue, prefix: string, value: unknown) =>
  (issue.code === "unrecognized_keys" ? issue.keys.map((key) => [...issue.path, key]) : [issue.path]).map((path) => ({
    field: pathOf(prefix, path) || "(body)",
    message: ABSENT_CODES.has(issue.code) && isAbsent(value, path) ? "required" : issue.message,
  }));

/** Parses at the edge; a failure is one 400 whose message names every failing field. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, prefix = ""): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.flatMap(explain).flatMap((issue) => fieldIssues(issue, prefix, value));
  throw new AppError("invalid_argument", issues.map((issue) => `${issue.field}: ${issue.message}`).join("; "), {
    field: issues[0].field,
    issues,
  });
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
