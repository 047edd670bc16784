import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Signed download links: `?uid=&exp=&sig=` where `sig` is an HMAC of the file, variant, user and expiry
 * under a key derived from the server's JWT secret. A link is bound to the user it was made for, and
 * the download still checks that this user may see the file.
 */
export interface UrlSigner {
  sign(attachmentId: number, variant: "file" | "thumbnail", userId: number, expiresAt: Date): string;
  /** The user a link was made for, if its signature is good and it has not expired. */
  verify(attachmentId: number, variant: "file" | "thumbnail", query: Record<string, unknown>, now?: Date): number | undefined;
}

export function createUrlSigner(secret: string): UrlSigner {
  const key = createHmac("sha256", secret).update("hestia attachment links").digest();
  const mac = (attachmentId: number, variant: string, userId: number, expires: number) =>
    createHmac("sha256", key).update(`${attachmentId}:${variant}:${userId}:${expires}`).digest("base64url");
  return {
    sign(attachmentId, variant, userId, expiresAt) {
      const expires = Math.floor(expiresAt.getTime() / 1000);
      return `uid=${userId}&exp=${expires}&sig=${mac(attachmentId, variant, userId, expires)}`;
    },
    verify(attachmentId, variant, query, now = new Date()) {
      const { uid, exp, sig } = query;
      if (typeof uid !== "string" || typeof exp !== "string" || typeof sig !== "string") return undefined;
      if (!/^[1-9]\d{0,14}$/.test(uid) || !/^\d{1,12}$/.test(exp)) return undefined;
      if (Number(exp) * 1000 <= now.getTime()) return undefined;
      const wanted = Buffer.from(mac(attachmentId, variant, Number(uid), Number(exp)));
      const given = Buffer.from(sig);
      if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) return undefined;
      return Number(uid);
    },
  };
}
