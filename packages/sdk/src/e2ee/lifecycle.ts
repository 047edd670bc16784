// Replies, edits, reactions and deletion in encrypted conversations, on the sending side. Edits and
// reactions are encrypted messages of their own (payloads in content.ts); deletion is the server's.

import { contract, isEmoji, type Message } from "@hestia/contracts";
import type { Payload } from "./content";
import { type DeviceContext, refusal, tolerate } from "./context";
import { markDeleted } from "./deletions";
import type { ConversationRecord, KnownMessage } from "./device-store";
import { knownMessage } from "./known";
import { send } from "./sending";

const { e2ee, messages, groups, lifecycle } = contract;

/** Encrypts a payload into the conversation of `record` and posts it. */
export async function sendInto(ctx: DeviceContext, record: ConversationRecord, payload: Payload): Promise<Message> {
  const { session } = ctx;
  if (record.kind === "GROUP") {
    const id = record.conversationId;
    const conversation = await session.call(e2ee.conversation, { conversationId: id });
    return send(ctx, conversation, payload, (keyed) => session.call(groups.sendMessage, { ...keyed, id }));
  }
  const userId = record.peerUserId;
  if (userId === undefined) throw refusal("NOT_FOUND", "The stored direct conversation names no peer");
  const conversation = await session.call(e2ee.direct, { userId });
  return send(ctx, conversation, payload, (keyed) => session.call(messages.sendDirect, { ...keyed, userId }));
}

/** A message this device remembers (sent or decrypted here), with its conversation; undefined when none. */
async function locate(ctx: DeviceContext, messageId: number): Promise<{ record: ConversationRecord; message: KnownMessage } | undefined> {
  for (const conversationId of [...ctx.device.conversations]) {
    const record = await ctx.conversations.record(conversationId);
    const message = record && knownMessage(record, messageId);
    if (record && message) return { record, message };
  }
  return undefined;
}

async function target(ctx: DeviceContext, messageId: number): Promise<{ record: ConversationRecord; message: KnownMessage }> {
  const found = await locate(ctx, messageId);
  if (!found) throw refusal("NOT_FOUND", `Message ${messageId} is not one this device sent or decrypted (recently)`, { messageId });
  if (found.message.deleted) throw refusal("CONFLICT", `Message ${messageId} was deleted`, { messageId });
  return found;
}

/** Sends a new text for your own message; resolves with the message as it now reads. */
export async function edit(
  ctx: DeviceContext,
  messageId: number,
  text: string,
): Promise<{ record: ConversationRecord; message: Message; editedAt: string }> {
  const { record, message } = await target(ctx, messageId);
  if (message.userId !== ctx.device.userId) throw refusal("FORBIDDEN", "Only its sender edits a message", { messageId });
  const sent = await sendInto(ctx, record, { type: "edit", target: messageId, text });
  return { record, message: { ...sent, id: messageId, seq: message.seq, createdAt: message.createdAt }, editedAt: sent.createdAt };
}

/** Adds or takes back a reaction to a message of an encrypted conversation. */
export async function react(ctx: DeviceContext, messageId: number, emoji: string, op: "add" | "remove"): Promise<void> {
  if (!isEmoji(emoji)) throw refusal("VALIDATION_ERROR", "emoji must be one emoji (at most 32 bytes)", { emoji });
  const { record } = await target(ctx, messageId);
  await sendInto(ctx, record, { type: "reaction", target: messageId, emoji, op });
}

/**
 * Deletes a message for everyone through the server, which erases its ciphertext, and the edits of it
 * this device knows of (their ciphertext holds its text as well).
 */
export async function remove(ctx: DeviceContext, messageId: number): Promise<void> {
  const found = await locate(ctx, messageId);
  await ctx.session.call(lifecycle.remove, { id: messageId });
  for (const editId of found?.message.edits ?? []) {
    // Gone already, or deleted by someone who may delete the message but not its sender's edits (none such today).
    await tolerate(["NOT_FOUND", "FORBIDDEN"], () => ctx.session.call(lifecycle.remove, { id: editId }));
  }
  if (found) await markDeleted(ctx, found.record.conversationId, messageId);
}
