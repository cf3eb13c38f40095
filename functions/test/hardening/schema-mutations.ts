/**
 * Invalid values for a field, derived from its JSON schema in `/openapi.json`: each is invalid by
 * construction (a type the schema does not accept, a bound crossed, a Firestore rule broken), so
 * the API must refuse every one with a 4xx that names the field.
 */
export interface JsonSchema {
  type?: string | string[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  maxItems?: number;
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  additionalProperties?: JsonSchema | boolean;
}

/** An object nested `depth` levels deep. */
export function nested(depth: number): unknown {
  let value: unknown = "leaf";
  for (let level = 0; level < depth; level += 1) value = { a: value };
  return value;
}

/**
 * A stand-in for an object nested far deeper than JSON.stringify can go (a 10,000-level body):
 * `toJsonText` writes it out as text.
 */
export const deeplyNested = (depth: number): string => `\u0000nested:${depth}\u0000`;

/** JSON text of a body, with every `deeplyNested` stand-in written out. */
export const toJsonText = (body: unknown): string =>
  JSON.stringify(body).replace(/"\\u0000nested:(\d+)\\u0000"/g, (_, depth: string) =>
    `${'{"a":'.repeat(Number(depth))}"leaf"${"}".repeat(Number(depth))}`,
  );

const cursorOf = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
/** Cursors a client could forge: out of Firestore's range, ids Firestore refuses, missing fields. */
export const FORGED_CURSORS = [
  cursorOf({ t: 1e300, id: "abc" }),
  cursorOf({ t: -62135596800001, id: "abc" }),
  cursorOf({ t: 1.5, id: "abc" }),
  cursorOf({ t: 0, id: "a/b" }),
  cursorOf({ t: 0, id: "__x__" }),
  cursorOf({ t: 0, id: "x".repeat(1501) }),
  cursorOf({ t: "0", id: "abc" }),
  cursorOf({ id: "abc" }),
  cursorOf([0, "abc"]),
  "not a cursor!",
];
/** Ids that Firestore reserves or cannot hold in a path segment, and plain bad ones. */
export const BAD_IDS = [".", "..", "__x__", "a/b", " ", "%20", "x".repeat(1501), "\ud800"];
export const BAD_DATES = [
  "0000-01-01T00:00:00Z",
  "0001-01-01T00:00:00+01:00",
  "+010000-01-01T00:00:00Z",
  "2024-02-30T00:00:00Z",
  "yesterday",
];
const LONE_SURROGATES = ["\ud800", "text \udfff text"];
/** Fields stored as Firestore maps: their keys and depth are Firestore's to limit. */
const STORED_MAPS = new Set(["content", "metadata", "data", "memory_data"]);

const typesOf = (schema: JsonSchema): Set<string> => {
  const types = new Set<string>();
  const add = (node: JsonSchema) => {
    if (node.anyOf) node.anyOf.forEach(add);
    if (node.oneOf) node.oneOf.forEach(add);
    if (node.enum) node.enum.forEach((value) => types.add(value === null ? "null" : typeof value));
    if (node.const !== undefined) types.add(typeof node.const);
    for (const type of [node.type ?? []].flat()) types.add(type);
    if (!node.anyOf && !node.oneOf && !node.enum && node.const === undefined && !node.type) types.add("any");
  };
  add(schema);
  return types;
};

const branches = (schema: JsonSchema): JsonSchema[] =>
  schema.anyOf || schema.oneOf ? [...(schema.anyOf ?? []), ...(schema.oneOf ?? [])].flatMap(branches) : [schema];

const TYPE_SAMPLES: Array<[string, unknown]> = [
  ["boolean", true],
  ["number", 5],
  ["string", "5"],
  ["array", [5]],
  ["object", { a: 1 }],
  ["null", null],
];

function accepts(types: Set<string>, type: string): boolean {
  if (types.has("any")) return true;
  if (type === "number") return types.has("number") || types.has("integer");
  return types.has(type);
}

/**
 * Invalid values for one field whose schema is `schema` (its key in the body is `name`). `stored`:
 * the route stores maps of that name in Firestore (not so the OpenAI-compatible ones: their
 * `metadata` is OpenAI's), so Firestore's and our metadata rules apply to them.
 */
export function invalidValues(schema: JsonSchema, name: string, stored = true): unknown[] {
  // memory_data is documented as its object form; a string is its other, shorter form.
  const types = name === "memory_data" ? new Set(["object", "string"]) : typesOf(schema);
  const values: unknown[] = [deeplyNested(10_000), { ["__proto__"]: { polluted: true } }, ...LONE_SURROGATES];
  for (const [type, sample] of TYPE_SAMPLES) if (!accepts(types, type)) values.push(sample);
  if (types.has("integer") && !types.has("number")) values.push(1.5);
  for (const branch of branches(schema)) {
    if (branch.minimum !== undefined) values.push(branch.minimum - 1);
    if (branch.maximum !== undefined) values.push(branch.maximum + 1, 1e300);
    if (branch.type === "string") {
      if (branch.enum || branch.const !== undefined) values.push("events", "memory_history");
      if (branch.format === "date-time") values.push(...BAD_DATES);
      if (branch.format === "uuid") values.push("not-a-uuid", "%20");
      if (branch.pattern && !branch.format) values.push(...BAD_IDS);
      if (branch.maxLength !== undefined) values.push("x".repeat(branch.maxLength + 1));
      if ((branch.minLength ?? 0) >= 1) values.push("");
    }
    if (branch.type === "array" && branch.items) {
      const itemTypes = typesOf(branch.items);
      values.push(TYPE_SAMPLES.filter(([type]) => !accepts(itemTypes, type)).map(([, sample]) => sample), [[1]]);
    }
    // memory_data without `content` is structured content, so an unknown key is not an error there.
    if (branch.type === "object" && branch.additionalProperties === false && name !== "memory_data") values.push({ not_a_field: 1 });
  }
  if (name === "cursor") values.push(...FORGED_CURSORS);
  if (name === "event") values.push("events", "memory_history", "working_memory", "memory_update");
  if (stored && STORED_MAPS.has(name)) {
    values.push(nested(21), { ["k".repeat(1501)]: 1 }, { __x__: 1 }, { "": 1 }, { a: [[1]] }, { "\ud800": 1 });
    if (name === "metadata") values.push({ constructor: 1 }, { prototype: "x" });
  }
  return values.filter((value) => !(Array.isArray(value) && value.length === 0));
}

/** Every field path a schema declares, with its schema: `memory_data.content`, `settings.model`... */
export function fieldsOf(schema: JsonSchema, prefix: string[] = []): Array<{ path: string[]; schema: JsonSchema }> {
  const fields: Array<{ path: string[]; schema: JsonSchema }> = [];
  for (const branch of branches(schema)) {
    for (const [key, child] of Object.entries(branch.properties ?? {})) {
      const path = [...prefix, key];
      fields.push({ path, schema: child }, ...fieldsOf(child, path));
    }
  }
  return fields;
}

/** A copy of `body` with `value` at `path`, creating the objects on the way. */
export function withValue(body: unknown, path: string[], value: unknown): unknown {
  const copy = structuredClone(body ?? {}) as Record<string, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    node[key] = typeof next === "object" && next !== null && !Array.isArray(next) ? next : {};
    node = node[key] as Record<string, unknown>;
  }
  Object.defineProperty(node, path[path.length - 1], { value, enumerable: true, writable: true, configurable: true });
  return copy;
}
