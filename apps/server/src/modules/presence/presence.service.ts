import type { Deps } from "../../deps";
import { listFriendIds } from "../friends/friends.service";

/**
 * Records that a user is online (a first device connected) or offline (the last one left), unless
 * they chose do_not_disturb, and tells their friends.
 */
export async function setPresence(deps: Deps, userId: number, online: boolean): Promise<void> {
  const status = online ? "active" : "offline";
  const { count } = await deps.db.user.updateMany({
    where: { id: userId, status: { notIn: ["do_not_disturb", status] } },
    data: { status },
  });
  if (count === 0) return;
  deps.broadcaster.presence(await listFriendIds(deps, userId), { userId, status });
}
