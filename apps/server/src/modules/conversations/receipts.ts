import type { LeanDb } from "@hestia/db";
import type { Broadcaster } from "../../realtime/broadcaster";
import type { Cursors } from "../messages/store/cursor";
import type { ConversationRef } from "../messages/store/message-row";
import { othersOf } from "./audience";
import type { ReadPrivacy } from "./read-privacy";

interface Pending {
  ref: ConversationRef;
  userId: number;
  cursors: Cursors;
  readMoved: boolean;
  deliveredMoved: boolean;
}

/**
 * `receipt` events to the other members when a member's cursors move. Moves made in one turn of the event
 * loop are coalesced per member and conversation (a burst of reads sends the last state once). Who sees a
 * read follows the read-receipts setting of both sides: a reader who turned it off sends only delivery
 * changes, with `readSeq: null`; a member who turned it off sees every `readSeq` as null.
 */
export function createReceiptFanout(deps: { lean: LeanDb; broadcaster: Broadcaster; privacy: ReadPrivacy; onError(error: unknown): void }) {
  const pending = new Map<string, Pending>();
  let scheduled = false;

  /** Members of a group who turned read receipts off (they get receipts without readSeq). */
  const privateMembers = async (groupId: number) =>
    (
      await deps.lean.all<{ userId: number }>(
        "SELECT `m`.`userId` FROM `Membership` AS `m` JOIN `User` AS `u` ON `u`.`id` = `m`.`userId` WHERE `m`.`conversationId` = ? AND `u`.`readReceipts` = ?",
        [groupId, false],
      )
    ).map((row) => row.userId);

  const send = async ({ ref, userId, cursors, readMoved, deliveredMoved }: Pending) => {
    const shows = await deps.privacy.showsReads(userId);
    if (!deliveredMoved && !(readMoved && shows)) return;
    const full = { conversationId: ref.id, userId, readSeq: shows ? cursors.readSeq : null, deliveredSeq: cursors.deliveredSeq };
    const withoutRead = { ...full, readSeq: null };
    const audience = othersOf(ref, userId);
    if ("userIds" in audience) {
      const [peer] = audience.userIds;
      if (peer === undefined) return;
      const peerShows = await deps.privacy.showsReads(peer);
      if (peerShows || deliveredMoved) deps.broadcaster.receipt(audience, peerShows ? full : withoutRead);
      return;
    }
    const hidden = full.readSeq === null ? [] : await privateMembers(ref.id);
    deps.broadcaster.receipt({ groupId: ref.id, exceptUserIds: [userId, ...hidden] }, full);
    const others = hidden.filter((id) => id !== userId);
    if (others.length && deliveredMoved) deps.broadcaster.receipt({ userIds: others }, withoutRead);
  };

  const flush = () => {
    scheduled = false;
    const batch = [...pending.values()];
    pending.clear();
    for (const item of batch) send(item).catch(deps.onError);
  };

  return {
    /** A member's cursors moved (`before` → `after`). */
    moved(ref: ConversationRef, userId: number, before: Cursors, after: Cursors): void {
      const readMoved = after.readSeq !== before.readSeq;
      const deliveredMoved = after.deliveredSeq !== before.deliveredSeq;
      if (!readMoved && !deliveredMoved) return;
      const id = `${ref.id}:${userId}`;
      const known = pending.get(id);
      pending.set(id, {
        ref,
        userId,
        cursors: after,
        readMoved: readMoved || (known?.readMoved ?? false),
        deliveredMoved: deliveredMoved || (known?.deliveredMoved ?? false),
      });
      if (scheduled) return;
      scheduled = true;
      setImmediate(flush);
    },
  };
}

export type ReceiptFanout = ReturnType<typeof createReceiptFanout>;
