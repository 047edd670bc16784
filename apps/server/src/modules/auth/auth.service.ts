import type { AuthResult, AuthStatus, Credentials } from "@hestia/contracts";
import { isUniqueViolation } from "@hestia/db";
import type { Actor, Deps, RequestInfo } from "../../deps";
import { AppError } from "../../errors";
import { endSessions, startSession } from "../sessions/sessions.service";
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
    return await startSession(deps, user, request);
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
    select: { id: true, username: true, tokenVersion: true, passwordHash: true, suspendedAt: true },
  });
  // Without an account, a dummy hash is still verified so that the answer takes as long either way.
  const valid = user ? await verifyPassword(user.passwordHash, input.password) : await verifyAgainstDummy(input.password);
  if (!user || !valid) throw new AppError("INVALID_CREDENTIALS", "Wrong username or password");
  await deps.authLimiter.reset("login", key);
  // Told only to whoever knows the password.
  if (user.suspendedAt) throw new AppError("SUSPENDED", "This account is suspended");
  return startSession(deps, user, request);
}

/** Changes the password (the current one must be right: 403 otherwise) and ends every other session. */
export async function changePassword(
  deps: Deps,
  actor: Actor,
  request: RequestInfo,
  input: { currentPassword: string; newPassword: string },
): Promise<void> {
  await deps.authLimiter.consume("password", request.ip, String(actor.id));
  const user = await deps.db.user.findUnique({ where: { id: actor.id }, select: { passwordHash: true } });
  if (!user || !(await verifyPassword(user.passwordHash, input.currentPassword))) {
    throw new AppError("FORBIDDEN", "The current password is wrong");
  }
  await deps.db.user.update({ where: { id: actor.id }, data: { passwordHash: await hashPassword(input.newPassword) } });
  await endSessions(deps, actor.id, actor.sessionId);
}

/**
 * Revokes every token of the actor's account (the version they carry is bumped) and issues a new one
 * for the caller; the account's sockets are closed, and only clients with the new token get back in.
 */
export async function signOutEverywhere(deps: Deps, actor: Actor, request: RequestInfo): Promise<AuthResult> {
  const user = await deps.db.user.update({
    where: { id: actor.id },
    data: { tokenVersion: { increment: 1 } },
    select: { id: true, username: true, tokenVersion: true },
  });
  await endSessions(deps, actor.id);
  deps.broadcaster.disconnectUser(actor.id);
  return startSession(deps, user, request);
}

export function status(actor: Actor): AuthStatus {
  return { authenticated: true, user: { id: actor.id, username: actor.username } };
}
