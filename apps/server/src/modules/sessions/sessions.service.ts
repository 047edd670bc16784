import type { AuthResult, Session, TokenPair } from "@hestia/contracts";
import type { Actor, Deps, RequestInfo } from "../../deps";
import { AppError } from "../../errors";
import { decodeCursor, encodeCursor } from "../../pagination";
import { hashRefreshToken, newRefreshToken } from "./refresh-token";

const invalidRefresh = () => new AppError("UNAUTHORIZED", "Invalid refresh token: sign in again");

/** Starts a session for a user who just proved who they are; answers its access and refresh tokens. */
export async function startSession(
  deps: Deps,
  user: { id: number; username: string; tokenVersion: number },
  request: RequestInfo,
): Promise<AuthResult> {
  const refreshToken = newRefreshToken();
  const session = await deps.db.session.create({
    data: { userId: user.id, userAgent: request.userAgent ?? null, refreshTokens: { create: { hash: hashRefreshToken(refreshToken) } } },
    select: { id: true },
  });
  return { user: { id: user.id, username: user.username }, token: deps.tokens.issue(user, session.id), refreshToken };
}

/**
 * Exchanges a refresh token for a new pair (rotation). A token presented a second time was copied: the
 * whole session ends, so that whoever holds the newer token is signed out too and the theft shows.
 */
export async function refresh(deps: Deps, request: RequestInfo, refreshToken: string): Promise<TokenPair> {
  await deps.authLimiter.consume("refresh", request.ip, "refresh");
  const hash = hashRefreshToken(refreshToken);
  const row = await deps.db.refreshToken.findUnique({
    where: { hash },
    select: {
      createdAt: true,
      session: { select: { id: true, revokedAt: true, user: { select: { id: true, tokenVersion: true, suspendedAt: true } } } },
    },
  });
  if (!row || row.session.revokedAt) throw invalidRefresh();
  const { session } = row;
  if (session.user.suspendedAt) throw new AppError("SUSPENDED", "This account is suspended");
  if (row.createdAt.getTime() + deps.config.refreshTokenTtlSeconds * 1000 < Date.now()) throw invalidRefresh();
  // Single use, decided by one compare-and-set: of two concurrent exchanges only one wins.
  const { count } = await deps.db.refreshToken.updateMany({ where: { hash, usedAt: null }, data: { usedAt: new Date() } });
  if (count === 0) {
    await endSession(deps, session.user.id, session.id);
    throw new AppError("UNAUTHORIZED", "This refresh token was already used: the session has ended, sign in again");
  }
  const next = newRefreshToken();
  await deps.db.session.update({
    where: { id: session.id },
    data: {
      lastUsedAt: new Date(),
      userAgent: request.userAgent ?? undefined,
      refreshTokens: { create: { hash: hashRefreshToken(next) } },
    },
  });
  return { token: deps.tokens.issue(session.user, session.id), refreshToken: next };
}

/** Ends one session: its tokens are refused and its sockets closed at once, on every process. */
export async function endSession(deps: Deps, userId: number, sessionId: number): Promise<boolean> {
  const { count } = await deps.db.session.updateMany({
    where: { id: sessionId, userId, revokedAt: null },
    data: { revokedAt: new Date() },
  });
  await deps.db.refreshToken.deleteMany({ where: { sessionId } });
  await deps.access.changed.session(userId, sessionId);
  deps.broadcaster.disconnectSession(sessionId);
  return count > 0;
}

/** Ends every session of a user but `except` (password change, suspension, sign-out everywhere). */
export async function endSessions(deps: Deps, userId: number, except?: number): Promise<void> {
  const open = await deps.db.session.findMany({
    where: { userId, revokedAt: null, ...(except ? { id: { not: except } } : {}) },
    select: { id: true },
  });
  if (!open.length) return;
  const ids = open.map((session) => session.id);
  await deps.db.session.updateMany({ where: { id: { in: ids } }, data: { revokedAt: new Date() } });
  await deps.db.refreshToken.deleteMany({ where: { sessionId: { in: ids } } });
  await deps.access.changed.user(userId);
  for (const id of ids) deps.broadcaster.disconnectSession(id);
}

/** POST /auth/logout: the caller's own session. */
export async function logout(deps: Deps, actor: Actor): Promise<void> {
  if (actor.sessionId !== undefined) await endSession(deps, actor.id, actor.sessionId);
}

/** DELETE /auth/sessions/:id: one of the caller's sessions (404 for anyone else's, or one already ended). */
export async function revokeSession(deps: Deps, actor: Actor, sessionId: number): Promise<void> {
  if (!(await endSession(deps, actor.id, sessionId))) throw new AppError("NOT_FOUND", "Session not found");
}

/** The caller's open sessions, most recently used first. */
export async function listSessions(deps: Deps, actor: Actor, page: { limit: number; cursor?: string }) {
  const after = page.cursor === undefined ? undefined : decodeCursor(page.cursor, ["lastUsedAt", "id"] as const);
  if (after && (Number.isNaN(Date.parse(after.lastUsedAt)) || !/^\d{1,15}$/.test(after.id)))
    throw new AppError("BAD_REQUEST", "Invalid cursor");
  const rows = await deps.db.session.findMany({
    where: {
      userId: actor.id,
      revokedAt: null,
      ...(after
        ? {
            OR: [
              { lastUsedAt: { lt: new Date(after.lastUsedAt) } },
              { lastUsedAt: new Date(after.lastUsedAt), id: { lt: Number(after.id) } },
            ],
          }
        : {}),
    },
    orderBy: [{ lastUsedAt: "desc" }, { id: "desc" }],
    take: page.limit + 1,
    select: { id: true, createdAt: true, lastUsedAt: true, userAgent: true },
  });
  const items: Session[] = rows.slice(0, page.limit).map((row) => ({
    id: row.id,
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt.toISOString(),
    userAgent: row.userAgent,
    current: row.id === actor.sessionId,
  }));
  const last = rows.length > page.limit ? items.at(-1) : undefined;
  return { items, nextCursor: last ? encodeCursor({ lastUsedAt: last.lastUsedAt, id: String(last.id) }) : null };
}
