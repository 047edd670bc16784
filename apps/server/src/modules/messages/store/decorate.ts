import { type Message, REPLY_PREVIEW_LENGTH, type ReactionCount } from "@hestia/contracts";
import type { LeanDb } from "@hestia/db";
import { attachMentionsById } from "./mentions";
import type { MessageRow } from "./message-row";

const inList = (count: number) => Array.from({ length: count }, () => "?").join(", ");

/** The preview of a replied-to message: its first 200 characters, or null when it was deleted or is encrypted. */
export function replyPreview(content: string | null, deleted: boolean): string | null {
  if (deleted || content === null) return null;
  return [...content].slice(0, REPLY_PREVIEW_LENGTH).join("");
}

/** Sets `replyTo` on the messages whose rows reply to another message: one query for the page. */
export async function attachReplies(lean: LeanDb, messages: Message[], rows: MessageRow[]): Promise<void> {
  const targets = [...new Set(rows.flatMap((row) => (row.replyToId ? [row.replyToId] : [])))];
  if (!targets.length) return;
  const found = await lean.all<{ id: number; senderId: number; username: string; content: string | null; deletedAt: unknown }>(
    `SELECT \`m\`.\`id\`, \`m\`.\`senderId\`, \`u\`.\`username\`, \`m\`.\`content\`, \`m\`.\`deletedAt\` FROM \`Message\` AS \`m\`
     JOIN \`User\` AS \`u\` ON \`u\`.\`id\` = \`m\`.\`senderId\` WHERE \`m\`.\`id\` IN (${inList(targets.length)})`,
    targets,
  );
  const byId = new Map(found.map((row) => [row.id, row]));
  for (const [index, row] of rows.entries()) {
    const message = messages[index];
    if (!message || !row.replyToId || message.deletedAt) continue;
    const target = byId.get(row.replyToId);
    // The original's sender deleted their account (and with it the message): the reply keeps no trace of it.
    message.replyTo = target
      ? {
          id: target.id,
          userId: target.senderId,
          username: target.username,
          preview: replyPreview(target.content, target.deletedAt !== null),
        }
      : null;
  }
}

/** The reactions of these messages, one entry per emoji in order of first use; `me` for the viewer's own. */
export async function reactionsOf(lean: LeanDb, messageIds: number[], viewerId: number): Promise<Map<number, ReactionCount[]>> {
  const result = new Map<number, ReactionCount[]>();
  if (!messageIds.length) return result;
  const rows = await lean.all<{ messageId: number; emoji: string; count: number | bigint; mine: number | bigint; first: unknown }>(
    `SELECT \`messageId\`, \`emoji\`, COUNT(*) AS \`count\`, SUM(CASE WHEN \`userId\` = ? THEN 1 ELSE 0 END) AS \`mine\`, MIN(\`createdAt\`) AS \`first\`
     FROM \`Reaction\` WHERE \`messageId\` IN (${inList(messageIds.length)}) GROUP BY \`messageId\`, \`emoji\` ORDER BY \`messageId\`, \`first\`, \`emoji\``,
    [viewerId, ...messageIds],
  );
  for (const row of rows) {
    const list = result.get(row.messageId) ?? [];
    list.push({ emoji: row.emoji, count: Number(row.count), me: Number(row.mine) > 0 });
    result.set(row.messageId, list);
  }
  return result;
}

/** Adds mentions, replies and the viewer's view of reactions to messages read from `rows` (same order). */
export async function decorate(lean: LeanDb, messages: Message[], rows: MessageRow[], viewerId: number): Promise<Message[]> {
  if (!messages.length) return messages;
  await attachMentionsById(lean, messages);
  await attachReplies(lean, messages, rows);
  const reactions = await reactionsOf(
    lean,
    messages.filter((message) => !message.deletedAt).map((message) => message.id),
    viewerId,
  );
  for (const message of messages) {
    const list = reactions.get(message.id);
    if (list) message.reactions = list;
  }
  return messages;
}
