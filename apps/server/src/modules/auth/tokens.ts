import { createSecretKey } from "node:crypto";
import jwt from "jsonwebtoken";
import type { AccessCache } from "../../cache/access";
import type { Actor } from "../../deps";
import { AppError } from "../../errors";

const ALGORITHM = "HS256";
const ISSUER = "hestia";

interface Claims {
  sub: string;
  /** The user's tokenVersion when the token was issued. */
  ver: number;
}

export interface TokenService {
  issue(user: { id: number; tokenVersion: number }): string;
  /** A request's bearer token checked like `authenticate`; no token at all is UNAUTHORIZED too. */
  requireActor(token: string | undefined): Promise<Actor>;
  /** Verifies signature, algorithm, issuer and expiry, then that the account still exists and the token is not revoked. */
  authenticate(token: string): Promise<Actor>;
}

/** `users` finds a token's user (the access cache; a plain lookup will do where nothing is cached). */
export function createTokenService(users: Pick<AccessCache, "user">, options: { secret: string; expiresIn: string }): TokenService {
  const unauthorized = (message = "Invalid token") => new AppError("UNAUTHORIZED", message);
  // A key object made once: given the secret as a string, jsonwebtoken first tries to parse it as a
  // public key on every verify, and builds the key from the thrown error's path.
  const key = createSecretKey(Buffer.from(options.secret));
  return {
    requireActor(token) {
      if (!token) return Promise.reject(new AppError("UNAUTHORIZED", "Missing bearer token"));
      return this.authenticate(token);
    },
    issue(user) {
      return jwt.sign({ ver: user.tokenVersion }, key, {
        algorithm: ALGORITHM,
        subject: String(user.id),
        issuer: ISSUER,
        expiresIn: options.expiresIn as jwt.SignOptions["expiresIn"],
      });
    },
    async authenticate(token) {
      let claims: Claims;
      try {
        claims = jwt.verify(token, key, { algorithms: [ALGORITHM], issuer: ISSUER }) as Claims;
      } catch (error) {
        if (error instanceof jwt.TokenExpiredError) throw new AppError("TOKEN_EXPIRED", "Token expired");
        throw unauthorized();
      }
      const id = Number(claims.sub);
      if (!Number.isSafeInteger(id) || id <= 0 || typeof claims.ver !== "number") throw unauthorized();
      const user = await users.user(id);
      if (!user || user.tokenVersion !== claims.ver) throw unauthorized("Token revoked");
      return { id: user.id, username: user.username };
    },
  };
}

/** Extracts the token from an `Authorization: Bearer <token>` header value. */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}
