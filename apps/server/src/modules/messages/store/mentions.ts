import type { Message } from "@hestia/contracts";
import type { LeanDb } from "@hestia/db";

type MentionRow = { messageId: number; userId: number };

function attach(messages: Message[], rows: MentionRow[]): Message[] {
  if (!rows.length) return messages;
  const byMessage = new Map<number, number[]>();
  for (const { messageId, userId } of rows) byMessage.set(messageId, [...(byMessage.get(messageId) ?? []), userId]);
  for (const message of messages) {
    const mentions = byMessage.get(message.id);
    if (mentions) message.mentions = mentions;
  }
  return messages;
}

/**
 * Adds `mentions` to those messages of a history page (one conversation, ascending seq) that have any: one
 * indexed range read over the page's seqs.
 */
export async function attachMentions(lean: LeanDb, conversationId: number, messages: Message[]): Promise<Message[]> {
  const first = messages[0];
  const last = messages.at(-1);
  if (!first || !last) return messages;
  const rows = await lean.all<MentionRow>(
    "SELECT `messageId`, `userId` FROM `Mention` WHERE `conversationId` = ? AND `seq` BETWEEN ? AND ? ORDER BY `messageId`, `userId`",
    [conversationId, first.seq, last.seq],
  );
  return attach(messages, rows);
}

/** Adds `mentions` to messages of any conversations. */
export async function attachMentionsById(lean: LeanDb, messages: Message[]): Promise<Message[]> {
  if (!messages.length) return messages;
  const rows = await lean.all<MentionRow>(
    `SELECT \`messageId\`, \`userId\` FROM \`Mention\` WHERE \`messageId\` IN (${messages.map(() => "?").join(", ")}) ORDER BY \`messageId\`, \`userId\``,
    messages.map((message) => message.id),
  );
  return attach(messages, rows);
}
