import type { Message } from "@hestia/contracts";
import type { LeanDb, SqlValue } from "@hestia/db";
import { MESSAGE_COLUMNS } from "./append";
import { decorate } from "./decorate";
import { type ConversationRef, type MessageRow, toMessage } from "./message-row";

/** Messages of one conversation matching `where` (on `m`), in `order`, with mentions, replies and reactions as `viewerId` sees them. */
export async function readMessages(
  lean: LeanDb,
  conversation: ConversationRef,
  where: string,
  params: SqlValue[],
  viewerId: number,
  tail = "",
): Promise<Message[]> {
  const rows = await lean.all<MessageRow>(
    `SELECT ${MESSAGE_COLUMNS} FROM \`Message\` AS \`m\` JOIN \`User\` AS \`u\` ON \`u\`.\`id\` = \`m\`.\`senderId\`
     WHERE \`m\`.\`conversationId\` = ? AND ${where} ${tail}`,
    [conversation.id, ...params],
  );
  return decorate(
    lean,
    rows.map((row) => toMessage(row, conversation)),
    rows,
    viewerId,
  );
}

/** One message as `viewerId` sees it. */
export async function readMessage(lean: LeanDb, conversation: ConversationRef, id: number, viewerId: number): Promise<Message | undefined> {
  const [message] = await readMessages(lean, conversation, "`m`.`id` = ?", [id], viewerId);
  return message;
}

/** The messages of a conversation whose changeSeq is above `after`, ascending, at most `limit`. */
export function changesAfter(lean: LeanDb, conversation: ConversationRef, after: number, limit: number, viewerId: number) {
  return readMessages(lean, conversation, "`m`.`changeSeq` > ?", [after, limit], viewerId, "ORDER BY `m`.`changeSeq` LIMIT ?");
}
