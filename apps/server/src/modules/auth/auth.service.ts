import type { AuthResult, AuthStatus, Credentials } from "@hestia/contracts";
import { isUniqueViolation } from "@hestia/db";
import type { Actor, Deps, RequestInfo } from "../../deps";
import { AppError } from "../../errors";
import { usernameKey } from "../users/username";
import { hashPassword, verifyAgainstDummy, verifyPassword } from "./passwords";

const usernameTaken = () => new AppError("USERNAME_TAKEN", "Username is already taken");

export async function register(deps: Deps, request: RequestInfo, input: Credentials): Promise<AuthResult> {
  const key = usernameKey(input.username);
  await deps.authLimiter.consume("register", request.ip, key);
  if (await deps.db.user.findUnique({ where: { usernameKey: key }, select: { id: true } })) throw usernameTaken();
  const passwordHash = await hashPassword(input.password);
  try {
    const user = await deps.db.user.create({
      data: { username: input.username, usernameKey: key, passwordHash },
      select: { id: true, username: true, tokenVersion: true },
    });
    return { user: { id: user.id, username: user.username }, token: deps.tokens.issue(user) };
  } catch (error) {
    // Two registrations of the same name raced past the check above.
    if (isUniqueViolation(error)) throw usernameTaken();
    throw error;
  }
}

export async function login(deps: Deps, request: RequestInfo, input: { username: string; password: string }): Promise<AuthResult> {
  const key = usernameKey(input.username);
  await deps.authLimiter.consume("login", request.ip, key);
  const user = await deps.db.user.findUnique({
    where: { usernameKey: key },
    select: { id: true, username: true, tokenVersion: true, passwordHash: true },
  });
  // Without an account, a dummy hash is still verified so that the answer takes as long either way.
  const valid = user ? await verifyPassword(user.passwordHash, input.password) : await verifyAgainstDummy(input.password);
  if (!user || !valid) throw new AppError("INVALID_CREDENTIALS", "Wrong username or password");
  await deps.authLimiter.reset("login", key);
  return { user: { id: user.id, username: user.username }, token: deps.tokens.issue(user) };
}

/**
 * Revokes every token of the actor's account (the version they carry is bumped) and issues a new one
 * for the caller; the account's sockets are closed, and only clients with the new token get back in.
 */
export async function signOutEverywhere(deps: Deps, actor: Actor): Promise<AuthResult> {
  const user = await deps.db.user.update({
    where: { id: actor.id },
    data: { tokenVersion: { increment: 1 } },
    select: { id: true, username: true, tokenVersion: true },
  });
  await deps.access.changed.user(actor.id);
  deps.broadcaster.disconnectUser(actor.id);
  return { user: { id: user.id, username: user.username }, token: deps.tokens.issue(user) };
}

export function status(actor: Actor): AuthStatus {
  return { authenticated: true, user: { id: actor.id, username: actor.username } };
}
