/**
 * What an encrypted message's plaintext holds: `{ "text": ..., "files"?: [...] }` as UTF-8 JSON, so
 * fields can be added later. `files` carries each encrypted attachment's id, key, nonce, digest, name and type.
 */

import type { Message } from "@hestia/contracts";
import type { EncryptedFileRef } from "../attachments/file-crypto";
import type { ConversationRecord } from "./device-store";
import type { DecryptedMessage } from "./types";

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

export function encodeText(text: string, files?: EncryptedFileRef[]): Uint8Array {
  return utf8.encode(JSON.stringify(files?.length ? { text, files } : { text }));
}

/** The text of a decrypted plaintext; undefined when it is not the content of a message. */
export function decodeText(plaintext: Uint8Array): string | undefined {
  return decodeContent(plaintext)?.text;
}

const isFileRef = (value: unknown): value is EncryptedFileRef => {
  const ref = value as Partial<EncryptedFileRef> | null;
  return (
    typeof ref === "object" &&
    ref !== null &&
    Number.isSafeInteger(ref.id) &&
    typeof ref.size === "number" &&
    (["name", "mimeType", "key", "iv", "digest"] as const).every((field) => typeof ref[field] === "string")
  );
};

/** The text and encrypted files of a decrypted plaintext; undefined when it is not the content of a message. */
export function decodeContent(plaintext: Uint8Array): { text: string; files?: EncryptedFileRef[] } | undefined {
  let content: unknown;
  try {
    content = JSON.parse(fromUtf8.decode(plaintext));
  } catch {
    // JSON.parse can only say "not JSON" by throwing.
    return undefined;
  }
  if (typeof content !== "object" || content === null || !("text" in content)) return undefined;
  if (typeof content.text !== "string") return undefined;
  const files = "files" in content && Array.isArray(content.files) ? content.files.filter(isFileRef) : [];
  return files.length ? { text: content.text, files } : { text: content.text };
}

/** A message as the app sees it: its text, and the sending device as the verified credential names it. */
export function decryptedMessage(
  record: ConversationRecord,
  message: Message,
  text: string,
  deviceId: number,
  files?: EncryptedFileRef[],
): DecryptedMessage {
  return {
    id: message.id,
    seq: message.seq,
    conversationId: message.conversationId,
    ...(record.kind === "GROUP" ? { groupId: record.conversationId } : { peerUserId: record.peerUserId }),
    text,
    ...(files?.length ? { files } : {}),
    createdAt: message.createdAt,
    sender: { userId: message.userId, deviceId, username: message.username },
  };
}
