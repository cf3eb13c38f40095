import { z } from "zod";
import { userLimitsSchema, userStatusSchema } from "../users/user-record";
import { named, time } from "./response-registry";

/** The answers of `/v1/me` and `/v1/users`. */

const userLimits = named("UserLimits", userLimitsSchema);
const userShape = {
  uid: z.string(),
  email: z.string().nullable(),
  status: userStatusSchema,
  limits: userLimits,
  created_at: time,
  last_seen: time,
};
export const userView = named("User", z.strictObject(userShape));
export const userSummary = named(
  "UserSummary",
  z.strictObject({
    ...userShape,
    ai_count: z.number().int().describe("AIs the user owns"),
    memory_count: z.number().int().describe("memories those AIs hold, counted when asked"),
  }),
);
export const userList = named(
  "UserList",
  z.strictObject({
    users: z.array(userSummary),
    next_after: z.string().nullable().describe("pass as `after` for the next page; null on the last"),
  }),
);
export const me = named(
  "Me",
  z.strictObject({
    kind: z.enum(["admin", "user", "ai"]),
    uid: z.string(),
    signup_policy: z.enum(["admin_only", "allowlist", "open"]),
    user: userView.nullable().describe("the caller's user record and limits; null for the admin and an AI"),
  }),
);
export const deletedUser = named(
  "DeletedUser",
  z.strictObject({
    deleted: z.literal(true),
    uid: z.string(),
    ais_deleted: z.number().int(),
  }),
);
export const allowlist = named("Allowlist", z.strictObject({ entries: z.array(z.string()) }));
export const userExport = named(
  "UserExport",
  z.strictObject({
    format: z.literal("ai-memory-user-export/1"),
    exported_at: time,
    user: userView,
    ais: z.array(z.looseObject({ ai: z.looseObject({ ai_uuid: z.string() }), memories: z.array(z.unknown()) })),
  }),
);
