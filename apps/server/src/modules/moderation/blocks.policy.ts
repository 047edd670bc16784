import type { Db } from "@hestia/db";
import { AppError } from "../../errors";

/** Which way blocks stand between two users. */
export interface BlockState {
  /** The first user blocked the second. */
  blocked: boolean;
  /** The second user blocked the first. */
  blockedBy: boolean;
}

/** The blocks between `userId` and `otherId`, read from the database (friend requests are not a hot path). */
export async function blockState(db: Db, userId: number, otherId: number): Promise<BlockState> {
  const rows = await db.block.findMany({
    where: {
      OR: [
        { blockerId: userId, blockedId: otherId },
        { blockerId: otherId, blockedId: userId },
      ],
    },
    select: { blockerId: true },
  });
  return { blocked: rows.some((row) => row.blockerId === userId), blockedBy: rows.some((row) => row.blockerId === otherId) };
}

/**
 * Why a friend request (or becoming friends) is refused while a block stands, if it is. The one who was
 * blocked is told no more than "no" (403); the one who blocked is told to unblock first.
 */
export function friendshipRefusal(state: BlockState): AppError | undefined {
  if (state.blocked) return new AppError("FORBIDDEN", "You blocked this user: unblock them first");
  if (state.blockedBy) return new AppError("FORBIDDEN", "You cannot send a friend request to this user");
  return undefined;
}

/** Throws the refusal of `friendshipRefusal` when a block stands between the two users. */
export async function refuseIfBlocked(db: Db, userId: number, otherId: number): Promise<void> {
  const refusal = friendshipRefusal(await blockState(db, userId, otherId));
  if (refusal) throw refusal;
}
