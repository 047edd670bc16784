import { createHash, randomBytes } from "node:crypto";

/** A new refresh token: 256 random bits, URL-safe. Only its hash is stored. */
export function newRefreshToken(): string {
  return randomBytes(32).toString("base64url");
}

/** The stored form of a refresh token: a leaked database cannot be replayed. */
export function hashRefreshToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}
