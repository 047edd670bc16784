import type { Message } from "@hestia/contracts";
import type { LeanDb } from "@hestia/db";
import { MESSAGE_COLUMNS } from "./append";
import { attachMentionsById } from "./mentions";
import { type ConversationRef, type MessageRow, toMessage } from "./message-row";

/** One of a user's conversations as the inbox shows it: one row of the summary query. */
export interface InboxRow {
  id: number;
  kind: string;
  directKey: string | null;
  name: string | null;
  encrypted: number | boolean;
  lastSeq: number;
  /** The conversation's change counter (new messages, edits, deletions, reactions). */
  changeSeq: number;
  role: string;
  readSeq: number;
  deliveredSeq: number;
  muted: number | boolean;
  mutedUntil: unknown;
  /** When the conversation last had a message or the user joined, as the driver returns it. */
  activityAt: unknown;
  /** Seqs above the read cursor that are no longer messages (deleted). */
  gaps: number;
  /** Unread, undeleted messages that mention the user. */
  mentions: number;
  /** Groups only. */
  memberCount: number | null;
  /** The newest message (the one at `lastSeq`), if it is still stored. */
  messageId: number | null;
  messageSeq: number | null;
  senderId: number | null;
  content: string | null;
  ciphertext: string | null;
  messageEncrypted: number | boolean | null;
  messageCreatedAt: unknown;
  /** Set when the newest message is a tombstone. */
  messageDeletedAt: unknown;
  senderUsername: string | null;
  /** Comma-separated ids the newest message mentions. */
  messageMentions: string | null;
  /** Direct conversations: the other member, if their account still exists. */
  peerId: number | null;
  peerUsername: string | null;
  peerBio: string | null;
  peerStatus: string | null;
  peerPictureUrl: string | null;
  peerAvatarKey: string | null;
  peerCreatedAt: unknown;
}

/** Where a page of the inbox starts: after the conversation with this activity time and id. */
export interface InboxPosition {
  activityAt: string;
  id: number;
}

const UNREAD = "`c`.`lastSeq` > `mb`.`readSeq`";
/**
 * Everything a summary shows, in one query driven by the member's index on (userId, activityAt,
 * conversationId): a page reads its own rows and nothing else. The counts look only above the read
 * cursor (gaps, unread mentions), the newest message is found by its seq, the peer through the other
 * membership of a direct conversation.
 */
const SUMMARY = `SELECT \`mb\`.\`conversationId\` AS \`id\`, \`c\`.\`kind\`, \`c\`.\`directKey\`, \`c\`.\`name\`, \`c\`.\`encrypted\`, \`c\`.\`lastSeq\`, \`c\`.\`changeSeq\`,
  \`mb\`.\`role\`, \`mb\`.\`readSeq\`, \`mb\`.\`deliveredSeq\`, \`mb\`.\`muted\`, \`mb\`.\`mutedUntil\`, \`mb\`.\`activityAt\`,
  CASE WHEN ${UNREAD} THEN (SELECT COUNT(*) FROM \`MessageGap\` AS \`g\` WHERE \`g\`.\`conversationId\` = \`mb\`.\`conversationId\` AND \`g\`.\`seq\` > \`mb\`.\`readSeq\`) ELSE 0 END AS \`gaps\`,
  CASE WHEN ${UNREAD} THEN (SELECT COUNT(*) FROM \`Mention\` AS \`n\` JOIN \`Message\` AS \`x\` ON \`x\`.\`id\` = \`n\`.\`messageId\`
    WHERE \`n\`.\`userId\` = \`mb\`.\`userId\` AND \`n\`.\`conversationId\` = \`mb\`.\`conversationId\` AND \`n\`.\`seq\` > \`mb\`.\`readSeq\` AND \`x\`.\`deletedAt\` IS NULL) ELSE 0 END AS \`mentions\`,
  CASE WHEN \`c\`.\`kind\` = 'GROUP' THEN (SELECT COUNT(*) FROM \`Membership\` AS \`everyone\` WHERE \`everyone\`.\`conversationId\` = \`mb\`.\`conversationId\`) END AS \`memberCount\`,
  \`m\`.\`id\` AS \`messageId\`, \`m\`.\`seq\` AS \`messageSeq\`, \`m\`.\`senderId\`, \`m\`.\`content\`, \`m\`.\`ciphertext\`, \`m\`.\`encrypted\` AS \`messageEncrypted\`,
  \`m\`.\`createdAt\` AS \`messageCreatedAt\`, \`m\`.\`deletedAt\` AS \`messageDeletedAt\`, \`u\`.\`username\` AS \`senderUsername\`,
  (SELECT GROUP_CONCAT(\`userId\`) FROM \`Mention\` AS \`mm\` WHERE \`mm\`.\`messageId\` = \`m\`.\`id\`) AS \`messageMentions\`,
  \`p\`.\`id\` AS \`peerId\`, \`p\`.\`username\` AS \`peerUsername\`, \`p\`.\`bio\` AS \`peerBio\`, \`p\`.\`status\` AS \`peerStatus\`,
  \`p\`.\`profilePictureUrl\` AS \`peerPictureUrl\`, \`p\`.\`avatarKey\` AS \`peerAvatarKey\`, \`p\`.\`createdAt\` AS \`peerCreatedAt\`
FROM \`Membership\` AS \`mb\`
JOIN \`Conversation\` AS \`c\` ON \`c\`.\`id\` = \`mb\`.\`conversationId\`
LEFT JOIN \`Message\` AS \`m\` ON \`m\`.\`conversationId\` = \`c\`.\`id\` AND \`m\`.\`seq\` = \`c\`.\`lastSeq\`
LEFT JOIN \`User\` AS \`u\` ON \`u\`.\`id\` = \`m\`.\`senderId\`
LEFT JOIN \`Membership\` AS \`other\` ON \`c\`.\`kind\` = 'DIRECT' AND \`other\`.\`conversationId\` = \`mb\`.\`conversationId\` AND \`other\`.\`userId\` <> \`mb\`.\`userId\`
LEFT JOIN \`User\` AS \`p\` ON \`p\`.\`id\` = \`other\`.\`userId\``;

const placeholders = (count: number) => Array.from({ length: count }, () => "?").join(", ");

/**
 * The inbox's queries. None reads a conversation's messages beyond its newest one: unread counts are
 * `lastSeq - readSeq` minus the gaps above `readSeq` (senders' own messages are never above their cursor),
 * mention counts read only the unread mentions, so the cost does not grow with history.
 */
export function createInboxQueries(lean: LeanDb) {
  const gapsAbove = async (conversationId: number, readSeq: number) =>
    (
      await lean.get<{ n: number }>("SELECT COUNT(*) AS `n` FROM `MessageGap` WHERE `conversationId` = ? AND `seq` > ?", [
        conversationId,
        readSeq,
      ])
    )?.n ?? 0;

  return {
    /**
     * One page of a user's conversations, most recent activity first (a direct conversation only once it
     * holds a message); `limit + 1` rows are read so the caller knows whether another page follows.
     */
    page(userId: number, limit: number, after?: InboxPosition): Promise<InboxRow[]> {
      const params: (string | number)[] = [userId];
      let filter = "";
      if (after) {
        filter = " AND (`mb`.`activityAt`, `mb`.`conversationId`) < (?, ?)";
        params.push(after.activityAt, after.id);
      }
      params.push(limit + 1);
      return lean.all<InboxRow>(
        `${SUMMARY} WHERE \`mb\`.\`userId\` = ?${filter} AND (\`c\`.\`kind\` = 'GROUP' OR \`c\`.\`lastSeq\` > 0)
         ORDER BY \`mb\`.\`activityAt\` DESC, \`mb\`.\`conversationId\` DESC LIMIT ?`,
        params,
      );
    },

    /** One conversation of the user (listed or not yet), if they are a member. */
    one: (userId: number, conversationId: number) =>
      lean.get<InboxRow>(`${SUMMARY} WHERE \`mb\`.\`userId\` = ? AND \`mb\`.\`conversationId\` = ?`, [userId, conversationId]),

    /**
     * The newest stored message of conversations whose message at `lastSeq` is gone (erased with its
     * sender's account): rare, so read one by one.
     */
    async newestStored(refs: ConversationRef[]): Promise<Map<number, Message>> {
      const found = new Map<number, Message>();
      for (const ref of refs) {
        const row = await lean.get<MessageRow>(
          `SELECT ${MESSAGE_COLUMNS} FROM \`Message\` AS \`m\` JOIN \`User\` AS \`u\` ON \`u\`.\`id\` = \`m\`.\`senderId\`
           WHERE \`m\`.\`conversationId\` = ? ORDER BY \`m\`.\`seq\` DESC LIMIT 1`,
          [ref.id],
        );
        if (row) found.set(ref.id, toMessage(row, ref));
      }
      for (const message of await attachMentionsById(lean, [...found.values()])) found.set(message.conversationId, message);
      return found;
    },

    /** Messages from others above `readSeq` (up to `lastSeq`), deleted ones excluded. */
    async unreadCount(conversationId: number, readSeq: number, lastSeq: number): Promise<number> {
      if (lastSeq <= readSeq) return 0;
      return Math.max(0, lastSeq - readSeq - (await gapsAbove(conversationId, readSeq)));
    },

    /** Each user's unread messages and unread mentions across all their conversations (push badges, the unread total). */
    async totals(userIds: number[]): Promise<Map<number, { unreadCount: number; mentionCount: number }>> {
      if (!userIds.length) return new Map();
      const rows = await lean.all<{ userId: number; unread: number | null; mentions: number | null }>(
        `SELECT \`m\`.\`userId\`,
           SUM(CASE WHEN \`c\`.\`lastSeq\` > \`m\`.\`readSeq\` THEN \`c\`.\`lastSeq\` - \`m\`.\`readSeq\`
             - (SELECT COUNT(*) FROM \`MessageGap\` AS \`g\` WHERE \`g\`.\`conversationId\` = \`m\`.\`conversationId\` AND \`g\`.\`seq\` > \`m\`.\`readSeq\`)
             ELSE 0 END) AS \`unread\`,
           SUM(CASE WHEN \`c\`.\`lastSeq\` > \`m\`.\`readSeq\` THEN
             (SELECT COUNT(*) FROM \`Mention\` AS \`n\` JOIN \`Message\` AS \`x\` ON \`x\`.\`id\` = \`n\`.\`messageId\`
               WHERE \`n\`.\`userId\` = \`m\`.\`userId\` AND \`n\`.\`conversationId\` = \`m\`.\`conversationId\` AND \`n\`.\`seq\` > \`m\`.\`readSeq\`
               AND \`x\`.\`deletedAt\` IS NULL)
             ELSE 0 END) AS \`mentions\`
         FROM \`Membership\` AS \`m\` JOIN \`Conversation\` AS \`c\` ON \`c\`.\`id\` = \`m\`.\`conversationId\`
         WHERE \`m\`.\`userId\` IN (${placeholders(userIds.length)}) GROUP BY \`m\`.\`userId\``,
        userIds,
      );
      const totals = new Map(userIds.map((id) => [id, { unreadCount: 0, mentionCount: 0 }]));
      for (const row of rows) totals.set(row.userId, { unreadCount: Number(row.unread ?? 0), mentionCount: Number(row.mentions ?? 0) });
      return totals;
    },

    /**
     * New members start with the history up to now read: what was said before they joined is not unread
     * for them (new members of an encrypted group could not even decrypt it).
     */
    async startAtNewest(conversationId: number, userIds: number[]): Promise<void> {
      if (!userIds.length) return;
      await lean.run(
        `UPDATE \`Membership\` SET \`readSeq\` = (SELECT \`lastSeq\` FROM \`Conversation\` WHERE \`id\` = ?),
           \`deliveredSeq\` = (SELECT \`lastSeq\` FROM \`Conversation\` WHERE \`id\` = ?)
         WHERE \`conversationId\` = ? AND \`readSeq\` = 0 AND \`userId\` IN (${placeholders(userIds.length)})`,
        [conversationId, conversationId, conversationId, ...userIds],
      );
    },

    /** The other members' cursors, with whether each shows how far they read. */
    receipts: (conversationId: number, exceptUserId: number) =>
      lean.all<{ userId: number; readSeq: number; deliveredSeq: number; readReceipts: number | boolean }>(
        "SELECT `m`.`userId`, `m`.`readSeq`, `m`.`deliveredSeq`, `u`.`readReceipts` FROM `Membership` AS `m` JOIN `User` AS `u` ON `u`.`id` = `m`.`userId` " +
          "WHERE `m`.`conversationId` = ? AND `m`.`userId` <> ? ORDER BY `m`.`userId`",
        [conversationId, exceptUserId],
      ),
  };
}

export type InboxQueries = ReturnType<typeof createInboxQueries>;
