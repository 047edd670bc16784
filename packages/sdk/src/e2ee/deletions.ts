// Deletions in encrypted conversations: the server's tombstones, learnt live (`messageDeleted`) or, for
// those made while this device was away, from the conversation's changes feed when it catches up.

import { contract, type Message } from "@hestia/contracts";
import { type DeviceContext, PAGE } from "./context";
import type { ConversationRecord } from "./device-store";
import { knownMessage } from "./known";

const { lifecycle } = contract;

/** Marks a remembered message deleted; false when it is not remembered, or was already. */
function markInRecord(record: ConversationRecord, messageId: number): boolean {
  const message = knownMessage(record, messageId);
  if (!message || message.deleted) return false;
  message.deleted = true;
  delete message.edits;
  return true;
}

/** Remembers that a message was deleted (under the conversation's lock): edits and reactions of it that arrive later are ignored. */
export function markDeleted(ctx: DeviceContext, conversationId: number, messageId: number): Promise<boolean> {
  return ctx.withLock(conversationId, async () => {
    const record = await ctx.conversations.record(conversationId);
    if (!record || !markInRecord(record, messageId)) return false;
    await ctx.conversations.keep(record);
    return true;
  });
}

/**
 * Reads the conversation's changes since the last check (its lock held) and announces the deletions of
 * messages this device remembers that it had not heard of (made while it was away). The check starts from
 * the first message this device read (`readNew` notes its `changeSeq`): nothing it remembers is older.
 */
export async function readDeletions(ctx: DeviceContext, record: ConversationRecord): Promise<void> {
  const after = record.changeSeq;
  if (after === undefined) return;
  const deleted: Message[] = [];
  for (let cursor: string | undefined; ; ) {
    const page = await ctx.session.call(lifecycle.changes, {
      id: record.conversationId,
      limit: PAGE,
      ...(cursor ? { cursor } : { after }),
    });
    for (const message of page.items) {
      if (message.deletedAt && markInRecord(record, message.id)) deleted.push(message);
      if (message.changeSeq !== undefined) record.changeSeq = Math.max(record.changeSeq ?? 0, message.changeSeq);
    }
    if (!page.nextCursor || page.items.length === 0) break;
    cursor = page.nextCursor;
  }
  if (record.changeSeq !== after) await ctx.conversations.keep(record);
  for (const message of deleted) {
    ctx.emit("messageDeleted", {
      conversationId: record.conversationId,
      messageId: message.id,
      seq: message.seq,
      ...(message.deletedAt ? { deletedAt: message.deletedAt } : {}),
      ...(message.changeSeq !== undefined ? { changeSeq: message.changeSeq } : {}),
    });
  }
}
