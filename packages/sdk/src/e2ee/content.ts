/**
 * What an encrypted message's plaintext holds: a versioned, typed payload as UTF-8 JSON.
 *
 *   { "v": 1, "type": "text", "text", "files"?, "replyTo"?, "mentions"? }   a message
 *   { "v": 1, "type": "edit", "target", "text" }                            a new text for the sender's own message
 *   { "v": 1, "type": "reaction", "target", "emoji", "op": "add" | "remove" }
 *
 * `target` and `replyTo` are server message ids: both the sender (from the server's answer) and every
 * reader (from the message it decrypted) know them. `files` carries each encrypted attachment's id, key,
 * nonce, digest, name and type. The payload of an older SDK, `{ "text", "files"? }` without `v`, reads as
 * a text. Fields a payload does not know are ignored; an unknown version or type is refused.
 */

import { isEmoji, MENTIONS_MAX, type Message } from "@hestia/contracts";
import { z } from "zod";
import type { EncryptedFileRef } from "../attachments/file-crypto";
import type { ConversationRecord } from "./device-store";
import type { DecryptedMessage } from "./types";

/** The payload version this SDK writes and reads. */
export const PAYLOAD_VERSION = 1;

const id = z.number().int().positive();

const FileRefSchema = z.object({
  id,
  name: z.string(),
  mimeType: z.string(),
  size: z.number().nonnegative(),
  key: z.string(),
  iv: z.string(),
  digest: z.string(),
}) satisfies z.ZodType<EncryptedFileRef>;

const TextPayloadSchema = z.object({
  type: z.literal("text"),
  text: z.string(),
  files: z.array(FileRefSchema).max(10).optional(),
  replyTo: id.optional(),
  mentions: z.array(id).max(MENTIONS_MAX).optional(),
});

const EditPayloadSchema = z.object({ type: z.literal("edit"), target: id, text: z.string() });

const ReactionPayloadSchema = z.object({
  type: z.literal("reaction"),
  target: id,
  emoji: z.string().refine(isEmoji, "one emoji"),
  op: z.enum(["add", "remove"]),
});

export const PayloadSchema = z.discriminatedUnion("type", [TextPayloadSchema, EditPayloadSchema, ReactionPayloadSchema]);
export type Payload = z.infer<typeof PayloadSchema>;
export type TextPayload = z.infer<typeof TextPayloadSchema>;

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder("utf-8", { fatal: true });

/** A payload as the plaintext of an MLS application message (empty optional fields left out). */
export function encodePayload(payload: Payload): Uint8Array {
  const body: Record<string, unknown> = { v: PAYLOAD_VERSION, ...payload };
  for (const key of ["files", "mentions"]) if (Array.isArray(body[key]) && (body[key] as unknown[]).length === 0) delete body[key];
  return utf8.encode(JSON.stringify(body));
}

export type Decoded = { ok: true; payload: Payload } | { ok: false; reason: string };

/** The payload a decrypted plaintext holds, or why it holds none this SDK can use. */
export function decodePayload(plaintext: Uint8Array): Decoded {
  let body: unknown;
  try {
    body = JSON.parse(fromUtf8.decode(plaintext));
  } catch {
    // TextDecoder and JSON.parse can only say "not UTF-8 JSON" by throwing.
    return { ok: false, reason: "unreadable content (not UTF-8 JSON)" };
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) return { ok: false, reason: "unreadable content" };
  const record = body as Record<string, unknown>;
  if (!("v" in record)) {
    // Written before payloads had versions: a text.
    const legacy = TextPayloadSchema.omit({ type: true }).safeParse(record);
    return legacy.success ? { ok: true, payload: { type: "text", ...legacy.data } } : { ok: false, reason: "unreadable content" };
  }
  if (record.v !== PAYLOAD_VERSION) return { ok: false, reason: `unsupported payload version ${JSON.stringify(record.v)}` };
  const parsed = PayloadSchema.safeParse(record);
  if (!parsed.success) {
    const type = typeof record.type === "string" ? record.type : "?";
    return {
      ok: false,
      reason: `invalid payload of type ${JSON.stringify(type).slice(0, 40)}: ${parsed.error.issues[0]?.message ?? "invalid"}`,
    };
  }
  return { ok: true, payload: parsed.data };
}

/** A message as the app sees it: its text, and the sending device as the verified credential names it. */
export function decryptedMessage(
  record: ConversationRecord,
  message: Pick<Message, "id" | "seq" | "conversationId" | "createdAt" | "userId" | "username">,
  content: Omit<TextPayload, "type">,
  deviceId: number,
  selfId: number,
): DecryptedMessage {
  return {
    id: message.id,
    seq: message.seq,
    conversationId: message.conversationId,
    ...(record.kind === "GROUP" ? { groupId: record.conversationId } : { peerUserId: record.peerUserId }),
    text: content.text,
    ...(content.files?.length ? { files: content.files } : {}),
    ...(content.replyTo !== undefined ? { replyToId: content.replyTo } : {}),
    ...(content.mentions?.length ? { mentions: content.mentions, mentionsMe: content.mentions.includes(selfId) } : {}),
    createdAt: message.createdAt,
    sender: { userId: message.userId, deviceId, username: message.username },
  };
}
