import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { AppError } from "../errors";

/**
 * Tool secrets at rest: AES-256-GCM under a key derived from the TOOL_SECRETS_KEY Functions
 * secret, so a copy of the database alone reveals nothing. The AI and the secret's name are the
 * associated data: a ciphertext moved to another AI or name fails to open.
 */
export interface SealedSecret {
  iv: string;
  tag: string;
  ciphertext: string;
}

const keyOf = (secret: string): Buffer => {
  if (!secret)
    throw new AppError("unavailable", "TOOL_SECRETS_KEY is not set: the server cannot store or use tool secrets");
  return createHash("sha256").update(`ai-memory tool secrets\n${secret}`).digest();
};

export function seal(secret: string, label: string, value: string): SealedSecret {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", keyOf(secret), iv);
  cipher.setAAD(Buffer.from(label));
  const ciphertext = Buffer.concat([cipher.update(value, "utf8"), cipher.final()]);
  return {
    iv: iv.toString("base64"),
    tag: cipher.getAuthTag().toString("base64"),
    ciphertext: ciphertext.toString("base64"),
  };
}

export function open(secret: string, label: string, sealed: SealedSecret): string {
  try {
    const decipher = createDecipheriv("aes-256-gcm", keyOf(secret), Buffer.from(sealed.iv, "base64"));
    decipher.setAAD(Buffer.from(label));
    decipher.setAuthTag(Buffer.from(sealed.tag, "base64"));
    return Buffer.concat([decipher.update(Buffer.from(sealed.ciphertext, "base64")), decipher.final()]).toString(
      "utf8",
    );
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError("failed_precondition", "a tool secret cannot be opened: was TOOL_SECRETS_KEY changed?");
  }
}
