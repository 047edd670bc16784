import { createSecretKey } from "node:crypto";
import jwt from "jsonwebtoken";
import type { AccessCache } from "../../cache/access";
import type { Actor } from "../../deps";
import { AppError } from "../../errors";

const ALGORITHM = "HS256";
const ISSUER = "hestia";
/** How far in the future a token's issue time may be (clocks of several servers differ a little). */
const CLOCK_SKEW_SECONDS = 60;
/** How many verified tokens are remembered (the oldest is forgotten first). */
const VERIFIED_TOKENS = 10_000;

interface Claims {
  sub: string;
  /** The user's tokenVersion when the token was issued. */
  ver: number;
  /** The session the token belongs to. */
  sid?: number;
  iat?: number;
}

export interface TokenService {
  /** An access token of the user's session. */
  issue(user: { id: number; tokenVersion: number }, sessionId?: number): string;
  /** A request's bearer token checked like `authenticate`; no token at all is UNAUTHORIZED too. */
  requireActor(token: string | undefined): Promise<Actor>;
  /**
   * Verifies signature, algorithm, issuer, expiry and issue time, then that the session is still on, its
   * account exists and is not suspended, and the token was not revoked with every other.
   */
  authenticate(token: string): Promise<Actor>;
}

/** `access` answers who a token's user and session are (cached; a plain lookup will do where nothing is cached). */
export function createTokenService(
  access: Pick<AccessCache, "user" | "session">,
  options: { secret: string; expiresIn: string },
): TokenService {
  const unauthorized = (message = "Invalid token") => new AppError("UNAUTHORIZED", message);
  // A key object made once: given the secret as a string, jsonwebtoken first tries to parse it as a
  // public key on every verify, and builds the key from the thrown error's path.
  const key = createSecretKey(Buffer.from(options.secret));

  // Tokens whose signature, algorithm and issuer were verified, by their exact text: a client sends the same
  // token with every request, and checking its HMAC each time is a large part of a small request's cost.
  // Expiry is still checked on every use; the session checks below are never skipped.
  const verified = new Map<string, Claims & { exp?: number }>();
  const verify = (token: string): Claims => {
    const known = verified.get(token);
    if (known) {
      if (known.exp !== undefined && known.exp <= Date.now() / 1000) {
        verified.delete(token);
        throw new AppError("TOKEN_EXPIRED", "Token expired");
      }
      return known;
    }
    let claims: Claims & { exp?: number };
    try {
      claims = jwt.verify(token, key, { algorithms: [ALGORITHM], issuer: ISSUER }) as Claims & { exp?: number };
    } catch (error) {
      if (error instanceof jwt.TokenExpiredError) throw new AppError("TOKEN_EXPIRED", "Token expired");
      throw unauthorized();
    }
    if (verified.size >= VERIFIED_TOKENS) verified.delete(verified.keys().next().value as string);
    verified.set(token, claims);
    return claims;
  };

  return {
    requireActor(token) {
      if (!token) return Promise.reject(new AppError("UNAUTHORIZED", "Missing bearer token"));
      return this.authenticate(token);
    },
    issue(user, sessionId) {
      return jwt.sign(sessionId === undefined ? { ver: user.tokenVersion } : { ver: user.tokenVersion, sid: sessionId }, key, {
        algorithm: ALGORITHM,
        subject: String(user.id),
        issuer: ISSUER,
        expiresIn: options.expiresIn as jwt.SignOptions["expiresIn"],
      });
    },
    async authenticate(token) {
      const claims = verify(token);
      const id = Number(claims.sub);
      if (!Number.isSafeInteger(id) || id <= 0 || typeof claims.ver !== "number") throw unauthorized();
      // A token "issued" in the future was not issued by a server whose clock is right.
      if (typeof claims.iat !== "number" || claims.iat > Date.now() / 1000 + CLOCK_SKEW_SECONDS) throw unauthorized();
      if (claims.sid === undefined) {
        // Tokens from before sessions existed: valid until they expire or the account's tokens are revoked.
        const user = await access.user(id);
        if (!user || user.tokenVersion !== claims.ver) throw unauthorized("Token revoked");
        return { id: user.id, username: user.username };
      }
      if (!Number.isSafeInteger(claims.sid) || claims.sid <= 0) throw unauthorized();
      const session = await access.session(id, claims.sid);
      if (session?.suspended) throw new AppError("SUSPENDED", "This account is suspended");
      if (!session || session.revoked || session.tokenVersion !== claims.ver) throw unauthorized("Token revoked");
      return { id, username: session.username, sessionId: claims.sid };
    },
  };
}

/** Extracts the token from an `Authorization: Bearer <token>` header value. */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}
