import type { LeanDb } from "@hestia/db";
import { createGroupCommit } from "../messages/group-commit";

export type PresenceStatus = "active" | "offline";

/** Writes a user's automatic status; answers whether it changed. */
export type PresenceWrites = (userId: number, status: PresenceStatus) => Promise<boolean>;

// An explicit do_not_disturb is never overridden, and writing the status a user already has changes nothing.
const SET_STATUS = "UPDATE `User` SET `status` = ?, `updatedAt` = ? WHERE `id` = ? AND `status` NOT IN ('do_not_disturb', ?)";

/**
 * Status changes of connects and disconnects, written together in one transaction per event-loop turn
 * (a reconnect storm after a restart is thousands of them a second, each otherwise its own commit).
 */
export function createPresenceWrites(lean: LeanDb): PresenceWrites {
  const commits = createGroupCommit<{ userId: number; status: PresenceStatus }, boolean>(async (items) => {
    const now = new Date();
    const changes = await lean.runMany(
      SET_STATUS,
      items.map(({ userId, status }) => [status, now, userId, status]),
    );
    return changes.map((count) => ({ value: count > 0 }));
  });
  return (userId, status) => commits.push({ userId, status });
}
