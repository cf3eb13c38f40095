import { Router } from "express";
import { z } from "zod";
import { assertAdmin } from "../auth/principal";
import { userUidSchema } from "../ids";
import { allowlistRef, allowlistSchema } from "../users/signup-policy";
import { getUser, listUsers, updateUser, userSummary } from "../users/user-admin";
import { deleteUser } from "../users/user-deletion";
import { userLimitsPatchSchema } from "../users/user-record";
import { parseInput, strictObject } from "../validation";
import type { AppDeps } from "./app-deps";
import { principalOf } from "./auth-middleware";
import { queryLimitSchema } from "./schemas";
import type { RouteDoc } from "./route-docs";
import * as answers from "./user-answers";

export const listUsersQuerySchema = strictObject({
  limit: queryLimitSchema.default(50),
  after: userUidSchema.optional().describe("the last uid of the previous page"),
});
export const updateUserSchema = strictObject({
  status: z.enum(["active", "disabled"]).optional(),
  limits: userLimitsPatchSchema.optional(),
});

/** The OpenAPI entries of these routes. */
export const userRouteDocs: RouteDoc[] = [
  {
    method: "get",
    path: "/v1/users",
    summary: "Users, newest first, with their AI and memory counts (admin)",
    operationId: "listUsers",
    tag: "users",
    query: listUsersQuerySchema,
    responses: { 200: answers.userList },
  },
  {
    method: "get",
    path: "/v1/users/{uid}",
    summary: "One user, with their AI and memory counts (admin)",
    operationId: "getUser",
    tag: "users",
    responses: { 200: answers.userSummary },
  },
  {
    method: "patch",
    path: "/v1/users/{uid}",
    summary: "Disable or enable a user, or set their limits (admin)",
    operationId: "updateUser",
    tag: "users",
    body: updateUserSchema,
    responses: { 200: answers.userSummary },
  },
  {
    method: "delete",
    path: "/v1/users/{uid}",
    summary:
      "Delete a user with everything they own: every AI with its memories, history, room, sessions, chats (admin)",
    operationId: "deleteUser",
    tag: "users",
    responses: { 200: answers.deletedUser },
  },
  {
    method: "get",
    path: "/v1/allowlist",
    summary: "The sign-up allowlist: emails and @domains (admin; used when SIGNUP_POLICY is allowlist)",
    operationId: "getAllowlist",
    tag: "users",
    responses: { 200: answers.allowlist },
  },
  {
    method: "patch",
    path: "/v1/allowlist",
    summary: "Replace the sign-up allowlist (admin)",
    operationId: "setAllowlist",
    tag: "users",
    body: allowlistSchema,
    responses: { 200: answers.allowlist },
  },
];

/** The administrator over users: `/v1/users[/{uid}]` and the sign-up allowlist. */
export function userRoutes(deps: AppDeps): Router {
  const router = Router();
  router.use(["/users", "/allowlist"], (_req, res, next) => {
    assertAdmin(principalOf(res));
    next();
  });

  router.get("/users", async (req, res) => {
    const query = parseInput(listUsersQuerySchema, req.query, "query");
    const page = await listUsers(deps.db, query.limit, query.after);
    res.json({
      users: await Promise.all(page.users.map((user) => userSummary(deps.db, user))),
      next_after: page.next_after,
    });
  });

  router.get("/users/:uid", async (req, res) => {
    const user = await getUser(deps.db, parseInput(userUidSchema, req.params.uid, "uid"));
    res.json(await userSummary(deps.db, user));
  });

  router.patch("/users/:uid", async (req, res) => {
    const uid = parseInput(userUidSchema, req.params.uid, "uid");
    const body = parseInput(updateUserSchema, req.body);
    res.json(await userSummary(deps.db, await updateUser(deps, uid, body)));
  });

  router.delete("/users/:uid", async (req, res) => {
    const uid = parseInput(userUidSchema, req.params.uid, "uid");
    res.json({ deleted: true, uid, ...(await deleteUser(deps, uid)) });
  });

  router.get("/allowlist", async (_req, res) => {
    res.json({ entries: (await allowlistRef(deps.db).get()).data()?.entries ?? [] });
  });

  router.patch("/allowlist", async (req, res) => {
    const body = parseInput(allowlistSchema, req.body);
    const entries = [...new Set(body.entries)];
    await allowlistRef(deps.db).set({ entries });
    res.json({ entries });
  });

  return router;
}
