import type { BlockedUser, Success } from "@hestia/contracts";
import { isForeignKeyViolation, isUniqueViolation } from "@hestia/db";
import type { Actor, Deps, RequestInfo } from "../../deps";
import { AppError } from "../../errors";
import { friendPair } from "../friends/friends.policy";
import { profileSelect, toProfile } from "../users/profile";
import { requireUser, userNotFound } from "../users/users.policy";
import { type Page, type PageInput, pageOf, timeIdCursor } from "./page-cursor";

const success: Success = { success: true };

function refuseSelf(actor: Actor, userId: number, what: string): void {
  if (userId === actor.id) throw new AppError("BAD_REQUEST", `You cannot ${what} yourself`);
}

/**
 * Blocks a user: any friendship and pending friend requests between the two end, and every process
 * forgets that they were friends before this answers (so the next DM is refused everywhere). Blocking
 * someone already blocked changes nothing.
 */
export async function block(deps: Deps, actor: Actor, userId: number): Promise<Success> {
  refuseSelf(actor, userId, "block");
  await requireUser(deps.access, userId);
  try {
    await deps.db.block.create({ data: { blockerId: actor.id, blockedId: userId }, select: { blockerId: true } });
  } catch (error) {
    // The account was deleted meanwhile.
    if (isForeignKeyViolation(error)) throw userNotFound();
    // Already blocked, or a concurrent call blocked first: the clean-up below holds either way.
    if (!isUniqueViolation(error)) throw error;
  }
  // Only now that the block is stored: a friend request or an acceptance racing this call either comes
  // before this clean-up and is swept away, or comes after it and sees the block (friends.service.ts).
  await deps.db.$transaction([
    deps.db.friendship.deleteMany({ where: friendPair(actor.id, userId) }),
    deps.db.friendRequest.deleteMany({
      where: {
        OR: [
          { senderId: actor.id, receiverId: userId },
          { senderId: userId, receiverId: actor.id },
        ],
      },
    }),
  ]);
  await deps.access.changed.friendship(actor.id, userId);
  return success;
}

/** Lifts a block (the friendship it ended is not restored). Unblocking someone not blocked changes nothing. */
export async function unblock(deps: Deps, actor: Actor, userId: number): Promise<Success> {
  refuseSelf(actor, userId, "unblock");
  await requireUser(deps.access, userId);
  await deps.db.block.deleteMany({ where: { blockerId: actor.id, blockedId: userId } });
  return success;
}

/** The users the actor blocked, most recently blocked first. */
export async function listBlocked(deps: Deps, actor: Actor, request: RequestInfo, query: PageInput): Promise<Page<BlockedUser>> {
  const after = timeIdCursor.decode(query.cursor);
  const rows = await deps.db.block.findMany({
    where: {
      blockerId: actor.id,
      ...(after ? { OR: [{ createdAt: { lt: after.at } }, { createdAt: after.at, blockedId: { lt: after.id } }] } : {}),
    },
    orderBy: [{ createdAt: "desc" }, { blockedId: "desc" }],
    take: query.limit + 1,
    select: { createdAt: true, blockedId: true, blocked: { select: profileSelect } },
  });
  return pageOf(
    rows,
    query.limit,
    (row) => ({ ...toProfile(row.blocked, request.baseUrl), blockedAt: row.createdAt.toISOString() }),
    (row) => timeIdCursor.encode({ at: row.createdAt, id: row.blockedId }),
  );
}
