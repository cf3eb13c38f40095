import type { Request, Response } from "express";
import { z } from "zod";
import { AppError } from "../errors";
import { parseInput } from "../validation";
import { assertPerson, type Principal, reachableAi } from "../auth/principal";
import { type AiRecord, assertAiName } from "../memory/registry-service";
import type { AppDeps } from "./app-deps";
import { principalOf } from "./auth-middleware";

/** The AI a request is about, after the permission check (see reachableAi). */
export async function accessAi(deps: AppDeps, res: Response, aiUuid: string, aiName?: string): Promise<AiRecord> {
  const ai = await reachableAi(deps.db, principalOf(res), aiUuid);
  assertAiName(ai, aiName);
  return ai;
}

const idempotencyKeySchema = z.string().min(1, "must not be empty").max(255, "must be at most 255 characters");

/** The optional `Idempotency-Key` header, validated: retries carrying it are answered, not repeated. */
export function idempotencyKeyOf(req: Request): string | undefined {
  const key = req.header("idempotency-key");
  return key === undefined ? undefined : parseInput(idempotencyKeySchema, key, "Idempotency-Key");
}

/** Who a new AI belongs to: the calling user, or the administrator (no owner_uid). AIs create none. */
export function creatorOf(principal: Principal) {
  assertPerson(principal);
  return { ownerId: principal.userId, owner: principal.kind === "user" ? principal.user : null };
}

/** Whose AIs a listing shows: a user only their own; the admin everyone's, or one owner's. */
export function listedOwner(principal: Principal, ownerUid: string | undefined): string | undefined {
  assertPerson(principal);
  if (principal.kind === "admin") return ownerUid;
  if (ownerUid !== undefined && ownerUid !== principal.userId) {
    throw new AppError("permission_denied", "owner_uid: a user lists only their own AIs", { field: "owner_uid" });
  }
  return principal.userId;
}
