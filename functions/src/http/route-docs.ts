import type { z } from "zod";

/** How a route is documented in `/openapi.json`: each router exports the docs of its own routes. */
export interface RouteDoc {
  method: "get" | "post" | "put" | "patch" | "delete";
  path: string;
  summary: string;
  operationId: string;
  tag: string;
  body?: z.ZodType;
  /** The query parameters the route validates. */
  query?: z.ZodObject;
  /** The success answers by status, each a named schema of response-schemas.ts. */
  responses?: Record<number, z.ZodType>;
  /** The error body: ours, or OpenAI's on the OpenAI-compatible routes. */
  errors?: "openai";
  /** The 200 answer may also be a server-sent event stream (`stream: true`). */
  streams?: boolean;
  /** Needs no credential. */
  open?: true;
}
