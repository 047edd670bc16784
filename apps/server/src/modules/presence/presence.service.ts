import type { Deps } from "../../deps";
import { listFriendIds } from "../friends/friends.service";

/**
 * Records that a user is online (a first device connected) or offline (the last one left), unless
 * they chose do_not_disturb, and tells their friends.
 */
export async function setPresence(deps: Deps, userId: number, online: boolean): Promise<void> {
  const status = online ? "active" : "offline";
  // On every first connect and last disconnect: one lean statement.
  const { changes } = await deps.lean.run(
    "UPDATE `User` SET `status` = ?, `updatedAt` = ? WHERE `id` = ? AND `status` NOT IN ('do_not_disturb', ?)",
    [status, new Date(), userId, status],
  );
  if (changes === 0) return;
  deps.broadcaster.presence(await listFriendIds(deps, userId), { userId, status });
}
