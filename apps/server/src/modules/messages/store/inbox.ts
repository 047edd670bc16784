import type { Message } from "@hestia/contracts";
import type { LeanDb } from "@hestia/db";
import { MESSAGE_COLUMNS } from "./append";
import { attachMentionsById } from "./mentions";
import { type ConversationRef, type MessageRow, toMessage } from "./message-row";

/** One of a user's conversations as the inbox lists it, before its details are read. */
export interface InboxRow {
  id: number;
  kind: string;
  directKey: string | null;
  name: string | null;
  encrypted: number | boolean;
  lastSeq: number;
  role: string;
  readSeq: number;
  deliveredSeq: number;
  muted: number | boolean;
  mutedUntil: unknown;
  /** When the last message was sent or the user joined, whichever is later, as the driver returns it. */
  activityAt: unknown;
}

/** What the inbox shows of one conversation beyond its row. */
export interface InboxDetails {
  /** Seqs above the user's read cursor that are no longer messages (deleted). */
  gaps: number;
  /** Unread, undeleted messages that mention the user. */
  mentions: number;
  lastMessage: Message | null;
}

/** Where a page of the inbox starts: after the conversation with this activity time and id. */
export interface InboxPosition {
  activityAt: string;
  id: number;
}

const ACTIVITY =
  "CASE WHEN `c`.`lastMessageAt` IS NOT NULL AND `c`.`lastMessageAt` > `m`.`joinedAt` THEN `c`.`lastMessageAt` ELSE `m`.`joinedAt` END";
const ROW_COLUMNS =
  "`c`.`id`, `c`.`kind`, `c`.`directKey`, `c`.`name`, `c`.`encrypted`, `c`.`lastSeq`, `m`.`role`, `m`.`readSeq`, `m`.`deliveredSeq`, `m`.`muted`, `m`.`mutedUntil`";
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
      const rows = `SELECT ${ROW_COLUMNS}, ${ACTIVITY} AS \`activityAt\` FROM \`Membership\` AS \`m\`
        JOIN \`Conversation\` AS \`c\` ON \`c\`.\`id\` = \`m\`.\`conversationId\`
        WHERE \`m\`.\`userId\` = ? AND (\`c\`.\`kind\` = 'GROUP' OR \`c\`.\`lastSeq\` > 0)`;
      const params: (string | number)[] = [userId];
      let filter = "";
      if (after) {
        filter = " WHERE `t`.`activityAt` < ? OR (`t`.`activityAt` = ? AND `t`.`id` < ?)";
        params.push(after.activityAt, after.activityAt, after.id);
      }
      params.push(limit + 1);
      return lean.all<InboxRow>(
        `SELECT * FROM (${rows}) AS \`t\`${filter} ORDER BY \`t\`.\`activityAt\` DESC, \`t\`.\`id\` DESC LIMIT ?`,
        params,
      );
    },

    /** One conversation of the user (listed or not yet), if they are a member. */
    one: (userId: number, conversationId: number) =>
      lean.get<InboxRow>(
        `SELECT ${ROW_COLUMNS}, ${ACTIVITY} AS \`activityAt\` FROM \`Membership\` AS \`m\`
         JOIN \`Conversation\` AS \`c\` ON \`c\`.\`id\` = \`m\`.\`conversationId\` WHERE \`m\`.\`userId\` = ? AND \`m\`.\`conversationId\` = ?`,
        [userId, conversationId],
      ),

    /** Unread counts, mention counts and last messages of some of a user's conversations, in a few queries. */
    async details(userId: number, rows: InboxRow[]): Promise<Map<number, InboxDetails>> {
      const result = new Map<number, InboxDetails>();
      if (!rows.length) return result;
      const counts = await lean.all<{ id: number; gaps: number; mentions: number; lastId: number | null }>(
        `SELECT \`m\`.\`conversationId\` AS \`id\`,
           (SELECT COUNT(*) FROM \`MessageGap\` AS \`g\` WHERE \`g\`.\`conversationId\` = \`m\`.\`conversationId\` AND \`g\`.\`seq\` > \`m\`.\`readSeq\`) AS \`gaps\`,
           (SELECT COUNT(*) FROM \`Mention\` AS \`n\` JOIN \`Message\` AS \`x\` ON \`x\`.\`id\` = \`n\`.\`messageId\`
             WHERE \`n\`.\`userId\` = \`m\`.\`userId\` AND \`n\`.\`conversationId\` = \`m\`.\`conversationId\` AND \`n\`.\`seq\` > \`m\`.\`readSeq\`
             AND \`x\`.\`deletedAt\` IS NULL) AS \`mentions\`,
           (SELECT \`x\`.\`id\` FROM \`Message\` AS \`x\` WHERE \`x\`.\`conversationId\` = \`m\`.\`conversationId\` ORDER BY \`x\`.\`seq\` DESC LIMIT 1) AS \`lastId\`
         FROM \`Membership\` AS \`m\` WHERE \`m\`.\`userId\` = ? AND \`m\`.\`conversationId\` IN (${placeholders(rows.length)})`,
        [userId, ...rows.map((row) => row.id)],
      );
      const lastIds = counts.flatMap((count) => (count.lastId === null ? [] : [count.lastId]));
      const refs = new Map<number, ConversationRef>(rows.map((row) => [row.id, { id: row.id, kind: row.kind, directKey: row.directKey }]));
      const messages = new Map<number, Message>();
      if (lastIds.length) {
        const messageRows = await lean.all<MessageRow>(
          `SELECT ${MESSAGE_COLUMNS} FROM \`Message\` AS \`m\` JOIN \`User\` AS \`u\` ON \`u\`.\`id\` = \`m\`.\`senderId\` WHERE \`m\`.\`id\` IN (${placeholders(lastIds.length)})`,
          lastIds,
        );
        const found = messageRows.flatMap((row) => {
          const ref = refs.get(row.conversationId);
          return ref ? [toMessage(row, ref)] : [];
        });
        for (const message of await attachMentionsById(lean, found)) messages.set(message.conversationId, message);
      }
      for (const count of counts) {
        result.set(count.id, { gaps: Number(count.gaps), mentions: Number(count.mentions), lastMessage: messages.get(count.id) ?? null });
      }
      return result;
    },

    /** How many members each of these groups has. */
    async memberCounts(conversationIds: number[]): Promise<Map<number, number>> {
      if (!conversationIds.length) return new Map();
      const rows = await lean.all<{ id: number; n: number }>(
        `SELECT \`conversationId\` AS \`id\`, COUNT(*) AS \`n\` FROM \`Membership\` WHERE \`conversationId\` IN (${placeholders(conversationIds.length)}) GROUP BY \`conversationId\``,
        conversationIds,
      );
      return new Map(rows.map((row) => [row.id, Number(row.n)]));
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
