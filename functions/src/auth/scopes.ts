import { z } from "zod";
import { AppError } from "../errors";

/**
 * What a scoped ai_token may do (`POST /v1/ais/{ai_uuid}/tokens`): a read-only token for a
 * dashboard, a chat-only one for a front end. A token without scopes (the handshake's) has them all.
 */
export const SCOPES = ["memory:read", "memory:write", "chat", "relay", "tools"] as const;
export type Scope = (typeof SCOPES)[number];
export const scopeSchema = z.enum(SCOPES, { error: () => `must be one of ${SCOPES.join(", ")}` });

/** A 403 naming the missing scope; `null` asks for a token without scopes. */
export function assertScope(scopes: readonly Scope[] | undefined, needed: Scope | null): void {
  if (!scopes || (needed && scopes.includes(needed))) return;
  const message = needed
    ? `this ai_token lacks the scope ${needed} (it has ${scopes.join(", ") || "none"})`
    : `this route needs an ai_token without scopes; this one is limited to ${scopes.join(", ") || "nothing"}`;
  throw new AppError("permission_denied", message, { field: "scope", missing_scope: needed });
}
