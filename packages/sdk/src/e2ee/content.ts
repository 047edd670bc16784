/** What an encrypted message's plaintext holds: `{ "text": ... }` as UTF-8 JSON, so fields can be added later. */

import type { Message } from "@hestia/contracts";
import type { ConversationRecord } from "./device-store";
import type { DecryptedMessage } from "./types";

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

export function encodeText(text: string): Uint8Array {
  return utf8.encode(JSON.stringify({ text }));
}

/** The text of a decrypted plaintext; undefined when it is not the content of a message. */
export function decodeText(plaintext: Uint8Array): string | undefined {
  let content: unknown;
  try {
    content = JSON.parse(fromUtf8.decode(plaintext));
  } catch {
    // JSON.parse can only say "not JSON" by throwing.
    return undefined;
  }
  if (typeof content !== "object" || content === null || !("text" in content)) return undefined;
  return typeof content.text === "string" ? content.text : undefined;
}

/** A message as the app sees it: its text, and the sending device as the verified credential names it. */
export function decryptedMessage(record: ConversationRecord, message: Message, text: string, deviceId: number): DecryptedMessage {
  return {
    id: message.id,
    seq: message.seq,
    conversationId: message.conversationId,
    ...(record.kind === "GROUP" ? { groupId: record.conversationId } : { peerUserId: record.peerUserId }),
    text,
    createdAt: message.createdAt,
    sender: { userId: message.userId, deviceId, username: message.username },
  };
}
