import type { Success } from "@hestia/contracts";
import type { Actor, Deps } from "../../deps";
import { AppError } from "../../errors";
import { endSessions } from "../sessions/sessions.service";
import { requireUser } from "../users/users.policy";
import { requireServerAdmin } from "./admin.policy";
import { recordAction } from "./audit-log";

const success: Success = { success: true };

/**
 * Suspends a user (server admins): every session ends and every token of the account is refused at once
 * on every process (tokens without a session too: their version is bumped), every socket is closed, and
 * login, refresh and connections answer SUSPENDED until the suspension is lifted. Suspending a suspended
 * user changes nothing.
 */
export async function suspend(deps: Deps, actor: Actor, userId: number, reason: string | undefined): Promise<Success> {
  await requireServerAdmin(deps.db, actor);
  if (userId === actor.id) throw new AppError("BAD_REQUEST", "You cannot suspend yourself");
  await requireUser(deps.access, userId);
  const { count } = await deps.db.user.updateMany({
    where: { id: userId, suspendedAt: null },
    data: { suspendedAt: new Date(), suspendReason: reason || null, tokenVersion: { increment: 1 } },
  });
  if (count === 0) return success;
  // Every cached fact about the user goes before anything answers, so no process accepts a token after this.
  await deps.access.changed.user(userId);
  await endSessions(deps, userId);
  deps.broadcaster.disconnectUser(userId);
  await recordAction(deps.lean, { adminId: actor.id, action: "suspend", targetUserId: userId, details: reason || null });
  return success;
}

/** Lifts a suspension (server admins): the user may sign in again. Lifting one that is not there changes nothing. */
export async function unsuspend(deps: Deps, actor: Actor, userId: number): Promise<Success> {
  await requireServerAdmin(deps.db, actor);
  await requireUser(deps.access, userId);
  const { count } = await deps.db.user.updateMany({
    where: { id: userId, suspendedAt: { not: null } },
    data: { suspendedAt: null, suspendReason: null },
  });
  if (count === 0) return success;
  await deps.access.changed.user(userId);
  await recordAction(deps.lean, { adminId: actor.id, action: "unsuspend", targetUserId: userId });
  return success;
}
