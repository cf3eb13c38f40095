import type { NextFunction, Request, Response } from "express";
import { type AuthDeps, bearerOf, type Principal, resolvePrincipal } from "../auth/principal";
import { settingOf } from "../memory/registry-service";
import { limitsOf } from "../users/user-record";
import { assertWithinRate, requestBuckets } from "./rate-limit";

/**
 * Extracts and verifies the bearer once per request; handlers read the result with `principalOf`.
 * A request on an AI's own token takes one from the AI's rate allowance, a user's from the user's
 * (the administrator's from none).
 */
export function authenticate(deps: AuthDeps, buckets = requestBuckets) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const principal = await resolvePrincipal(bearerOf(req.header("authorization")), deps);
    if (principal.kind === "ai")
      assertWithinRate(buckets, principal.aiUuid, settingOf(principal.ai, "requests_per_minute"));
    if (principal.kind === "user") {
      const perMinute = limitsOf(principal.user).requests_per_minute;
      assertWithinRate(buckets, `user:${principal.userId}`, perMinute, "limits.requests_per_minute", "user");
    }
    res.locals.principal = principal;
    next();
  };
}

export const principalOf = (res: Response): Principal => res.locals.principal as Principal;
