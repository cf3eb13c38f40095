import { AppError } from "../errors";
import type { MemoryType } from "../memory/memory-types";
import { type AiRecord, settingOf } from "../memory/registry-service";

/**
 * The AI's capability policy, `settings.writable_types`: the memory types its own token and its
 * memory tools may write or delete. The admin (and the AI's owner) are not bound by it.
 */
export function assertWritableType(ai: AiRecord, type: MemoryType, field = "memory_type"): void {
  const writable = settingOf(ai, "writable_types");
  if (writable.includes(type)) return;
  throw new AppError(
    "permission_denied",
    `${field}: this AI may not write ${type} (settings.writable_types: ${writable.join(", ") || "none"})`,
    { field },
  );
}
