import type { Request, Response } from "express";
import { z } from "zod";
import { parseInput } from "../validation";
import { assertCanAccessAi } from "../auth/principal";
import { type AiRecord, assertAiName, getAi } from "../memory/registry-service";
import type { AppDeps } from "./app-deps";
import { principalOf } from "./auth-middleware";

/**
 * The AI a request is about, after the permission check. An AI's own registry document was read
 * by authentication already, so it is not read twice.
 */
export async function accessAi(deps: AppDeps, res: Response, aiUuid: string, aiName?: string): Promise<AiRecord> {
  const principal = principalOf(res);
  assertCanAccessAi(principal, aiUuid);
  const ai = principal.kind === "ai" ? principal.ai : await getAi(deps.db, aiUuid);
  assertAiName(ai, aiName);
  return ai;
}

const idempotencyKeySchema = z.string().min(1, "must not be empty").max(255, "must be at most 255 characters");

/** The optional `Idempotency-Key` header, validated: retries carrying it are answered, not repeated. */
export function idempotencyKeyOf(req: Request): string | undefined {
  const key = req.header("idempotency-key");
  return key === undefined ? undefined : parseInput(idempotencyKeySchema, key, "Idempotency-Key");
}
