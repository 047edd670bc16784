import type { Message } from "@hestia/contracts";
import { isoTimestamp } from "@hestia/db";

/** A conversation as a stored message is turned into a `Message` with: its kind and pair key. */
export interface ConversationRef {
  id: number;
  kind: string;
  directKey: string | null;
}

/** What a message carries: plain text, or the MLS ciphertext of an end-to-end encrypted message. */
export type MessageBody = { encrypted: false; content: string } | { encrypted: true; ciphertext: string };

/** A message row as the store's queries read it (the sender's username joined in). */
export interface MessageRow {
  id: number;
  conversationId: number;
  seq: number;
  senderId: number;
  content: string | null;
  ciphertext: string | null;
  /** 0/1 as the drivers return booleans. */
  encrypted: number | boolean;
  /** As the driver returns it: ISO text (SQLite), "YYYY-MM-DD hh:mm:ss.mmm" (MariaDB) or a Date. */
  createdAt: unknown;
  /** Set on a tombstone (the message was deleted for everyone); as the driver returns timestamps. */
  deletedAt: unknown;
  /** The message this one replies to (read by `attachReplies`). */
  replyToId?: number | null;
  /** When the text was last edited; as the driver returns timestamps. */
  editedAt?: unknown;
  changeSeq?: number;
  username: string;
}

/** The key of a direct conversation: "<lower user id>:<higher user id>". */
export function directKey(a: number, b: number): string {
  return a < b ? `${a}:${b}` : `${b}:${a}`;
}

/** The other user of a direct conversation whose key is "<low>:<high>". */
export function otherParticipant(key: string, userId: number): number {
  const [low, high] = key.split(":").map(Number);
  return low === userId ? (high ?? Number.NaN) : (low ?? Number.NaN);
}

/** A stored row as the API's `Message`. */
export function toMessage(row: MessageRow, conversation: ConversationRef): Message {
  const encrypted = Boolean(row.encrypted);
  const deleted = row.deletedAt !== null && row.deletedAt !== undefined;
  const message: Message = {
    id: row.id,
    // A tombstone's text is erased from storage; whatever a row still says, none is shown.
    content: deleted ? null : row.content,
    createdAt: isoTimestamp(row.createdAt),
    userId: row.senderId,
    username: row.username,
    seq: row.seq,
    conversationId: row.conversationId,
    encrypted,
  };
  if (row.changeSeq !== undefined) message.changeSeq = row.changeSeq;
  if (!deleted && row.editedAt !== null && row.editedAt !== undefined) message.editedAt = isoTimestamp(row.editedAt);
  if (deleted) message.deletedAt = isoTimestamp(row.deletedAt);
  else if (encrypted && row.ciphertext !== null) message.ciphertext = row.ciphertext;
  if (conversation.kind === "GROUP") message.groupId = conversation.id;
  else if (conversation.directKey) message.recipientId = otherParticipant(conversation.directKey, row.senderId);
  return message;
}
