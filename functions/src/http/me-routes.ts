import { Router } from "express";
import { AppError } from "../errors";
import { exportUser } from "../users/user-export";
import type { Principal } from "../auth/principal";
import { deleteUser } from "../users/user-deletion";
import { toUserView, type UserRecord } from "../users/user-record";
import type { AppDeps } from "./app-deps";
import { principalOf } from "./auth-middleware";
import type { RouteDoc } from "./route-docs";
import * as answers from "./user-answers";

/** The OpenAPI entries of these routes. */
export const meRouteDocs: RouteDoc[] = [
  {
    method: "get",
    path: "/v1/me",
    summary: "Who the caller is: admin, user (with their record and limits) or AI, and the sign-up policy",
    operationId: "getMe",
    tag: "users",
    responses: { 200: answers.me },
  },
  {
    method: "get",
    path: "/v1/me/export",
    summary: "Everything the calling user owns, in one file: their record, AIs, memories, sessions, chats",
    operationId: "exportMe",
    tag: "users",
    responses: { 200: answers.userExport },
  },
  {
    method: "delete",
    path: "/v1/me",
    summary: "Delete the calling user's account with everything they own (as DELETE /v1/users/{uid})",
    operationId: "deleteMe",
    tag: "users",
    responses: { 200: answers.deletedUser },
  },
];

/** `/v1/me`: the caller's own record, export and (see user deletion) erasure. */
export function meRoutes(deps: AppDeps): Router {
  const router = Router();

  router.get("/me", (_req, res) => {
    const principal = principalOf(res);
    res.json({
      kind: principal.kind,
      uid: principal.userId,
      signup_policy: deps.config.signupPolicy,
      user: principal.kind === "user" ? toUserView(principal.user) : null,
    });
  });

  router.get("/me/export", async (_req, res) => {
    const user = ownUser(principalOf(res));
    res
      .set("Content-Disposition", 'attachment; filename="ai-memory-export.json"')
      .json(await exportUser(deps.db, user));
  });

  router.delete("/me", async (_req, res) => {
    const user = ownUser(principalOf(res));
    res.json({ deleted: true, uid: user.uid, ...(await deleteUser(deps, user.uid)) });
  });

  return router;
}

/** Only a user has an account of their own: the admin is a role, an AI is exported and deleted on its own routes. */
function ownUser(principal: Principal): UserRecord {
  if (principal.kind === "user") return principal.user;
  throw new AppError("permission_denied", "only a user has an account of their own; an AI's is /v1/ais/{ai_uuid}");
}
