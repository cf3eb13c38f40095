import type { NextFunction, Request, Response } from "express";
import { type AuthDeps, bearerOf, type Principal, resolvePrincipal } from "../auth/principal";
import { settingOf } from "../memory/registry-service";
import { assertWithinRate, requestBuckets } from "./rate-limit";

/**
 * Extracts and verifies the bearer once per request; handlers read the result with `principalOf`.
 * A request on an AI's own token also takes one from its rate allowance (the administrator's do not).
 */
export function authenticate(deps: AuthDeps, buckets = requestBuckets) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const principal = await resolvePrincipal(bearerOf(req.header("authorization")), deps);
    if (principal.kind === "ai") assertWithinRate(buckets, principal.aiUuid, settingOf(principal.ai, "requests_per_minute"));
    res.locals.principal = principal;
    next();
  };
}

export const principalOf = (res: Response): Principal => res.locals.principal as Principal;
