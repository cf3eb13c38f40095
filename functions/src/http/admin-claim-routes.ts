import { Router } from "express";
import { assertAdmin } from "../auth/principal";
import { AppError } from "../errors";
import type { AppDeps } from "./app-deps";
import { principalOf } from "./auth-middleware";
import { registerRouteDocs } from "./openapi";
import { adminClaim } from "./response-schemas";

registerRouteDocs({
  method: "post",
  path: "/v1/admin/claim",
  summary: "Give the signed-in ADMIN_EMAIL user the `admin: true` claim that firestore.rules read (the admin console calls it)",
  operationId: "claimAdmin",
  tag: "auth",
  responses: { 200: adminClaim },
});

/**
 * `POST /v1/admin/claim`. The API takes a Firebase user whose verified email is ADMIN_EMAIL as the
 * admin, but firestore.rules cannot read that param: they look for the `admin` custom claim. The
 * admin console calls this route after sign-in and then refreshes its ID token, so its Firestore
 * listeners may read every AI. Anyone else is refused by the authentication before this runs.
 */
export function adminClaimRoutes(deps: AppDeps): Router {
  const router = Router();
  router.post("/admin/claim", async (_req, res) => {
    const principal = principalOf(res);
    assertAdmin(principal);
    if (principal.kind !== "admin" || principal.via !== "firebase") {
      throw new AppError("failed_precondition", "Authorization: only a Firebase user holds claims; sign in with Firebase Auth, not the admin key");
    }
    const user = await deps.auth.getUser(principal.userId);
    const granted = user.customClaims?.admin !== true;
    if (granted) await deps.auth.setCustomUserClaims(user.uid, { ...user.customClaims, admin: true });
    res.json({ uid: user.uid, admin: true, granted });
  });
  return router;
}
