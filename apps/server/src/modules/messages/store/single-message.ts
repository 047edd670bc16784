import type { LeanDb } from "@hestia/db";

/** One message as moderation sees it: where it is, who sent it and what it said. */
export interface MessageFacts {
  id: number;
  conversationId: number;
  seq: number;
  senderId: number;
  /** The plain text; null for encrypted messages and tombstones. */
  content: string | null;
  encrypted: boolean;
  deleted: boolean;
}

/** A message by id, if it exists (tombstones included). */
export async function findMessage(lean: LeanDb, id: number): Promise<MessageFacts | undefined> {
  const row = await lean.get<{
    id: number;
    conversationId: number;
    seq: number;
    senderId: number;
    content: string | null;
    encrypted: number | boolean;
    deletedAt: unknown;
  }>("SELECT `id`, `conversationId`, `seq`, `senderId`, `content`, `encrypted`, `deletedAt` FROM `Message` WHERE `id` = ?", [id]);
  if (!row) return undefined;
  const deleted = row.deletedAt !== null;
  return {
    id: row.id,
    conversationId: row.conversationId,
    seq: row.seq,
    senderId: row.senderId,
    content: deleted ? null : row.content,
    encrypted: Boolean(row.encrypted),
    deleted,
  };
}
