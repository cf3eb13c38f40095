import { z } from "zod";

/** The named schemas of `/openapi.json`'s components: every answer, and the shapes clients read. */
export const responseRegistry = z.registry<{ id: string }>();

/** Registers a schema under its component name, and returns it. */
export function named<S extends z.ZodType>(id: string, schema: S): S {
  responseRegistry.add(schema, { id });
  return schema;
}

export const time = z.string().describe("ISO 8601");
export const json = z.record(z.string(), z.unknown());
