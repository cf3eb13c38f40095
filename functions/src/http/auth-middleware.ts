import type { NextFunction, Request, Response } from "express";
import { type AuthDeps, bearerOf, type Principal, resolvePrincipal } from "../auth/principal";

/** Extracts and verifies the bearer once per request; handlers read the result with `principalOf`. */
export function authenticate(deps: AuthDeps) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    res.locals.principal = await resolvePrincipal(bearerOf(req.header("authorization")), deps);
    next();
  };
}

export const principalOf = (res: Response): Principal => res.locals.principal as Principal;
