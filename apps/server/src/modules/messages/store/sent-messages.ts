import { isoTimestamp, type LeanDb } from "@hestia/db";

/** A message a user sent, as their data export lists it. */
export interface SentMessage {
  id: number;
  conversationId: number;
  seq: number;
  content: string | null;
  encrypted: boolean;
  createdAt: string;
  deletedAt: string | null;
}

/**
 * The messages a user sent after `afterId`, oldest first, `limit` at most: one indexed range read
 * (senderId, id), so an export of any size is read page by page.
 */
export async function sentMessagesPage(lean: LeanDb, senderId: number, afterId: number, limit: number): Promise<SentMessage[]> {
  const rows = await lean.all<{
    id: number;
    conversationId: number;
    seq: number;
    content: string | null;
    encrypted: number | boolean;
    createdAt: unknown;
    deletedAt: unknown;
  }>(
    "SELECT `id`, `conversationId`, `seq`, `content`, `encrypted`, `createdAt`, `deletedAt` FROM `Message` WHERE `senderId` = ? AND `id` > ? ORDER BY `id` LIMIT ?",
    [senderId, afterId, limit],
  );
  return rows.map((row) => ({
    id: row.id,
    conversationId: row.conversationId,
    seq: row.seq,
    content: row.deletedAt === null ? row.content : null,
    encrypted: Boolean(row.encrypted),
    createdAt: isoTimestamp(row.createdAt),
    deletedAt: row.deletedAt === null ? null : isoTimestamp(row.deletedAt),
  }));
}
