import type { Deps } from "../../deps";
import { listFriendIds } from "../friends/friends.service";

/**
 * Records that a user is online (a first device connected) or offline (the last one left), unless
 * they chose do_not_disturb, and tells their friends.
 */
export async function setPresence(deps: Deps, userId: number, online: boolean): Promise<void> {
  const status = online ? "active" : "offline";
  if (!(await deps.presenceWrites(userId, status))) return;
  deps.broadcaster.presence(await listFriendIds(deps, userId), { userId, status });
}
