import type { ReplyPreview } from "@hestia/contracts";
import type { MembershipFacts } from "../../cache/access";
import type { Deps } from "../../deps";
import { AppError } from "../../errors";
import { replyPreview } from "./store/decorate";
import type { ConversationRef } from "./store/message-row";
import { findMessage, type MessageFacts } from "./store/single-message";

export const messageNotFound = () => new AppError("NOT_FOUND", "Message not found");
export const messageDeleted = () => new AppError("CONFLICT", "The message was deleted");

/** A message of a conversation the actor is a member of now, with that membership; anything else is 404. */
export async function requireVisibleMessage(
  deps: Deps,
  actorId: number,
  messageId: number,
): Promise<{ message: MessageFacts; membership: MembershipFacts; ref: ConversationRef }> {
  const message = await findMessage(deps.lean, messageId);
  const membership = message && (await deps.access.membership(message.conversationId, actorId));
  const ref = membership && message && (await deps.conversations.refs.get(message.conversationId));
  if (!message || !membership || !ref) throw messageNotFound();
  return { message, membership, ref };
}

/**
 * The message a send replies to, as its preview: a message the sender can see (404 otherwise) of the
 * same conversation (400 for one of another conversation) that is not deleted (409).
 */
export async function resolveReply(
  deps: Deps,
  actorId: number,
  conversationId: number,
  replyToId: number | undefined,
): Promise<ReplyPreview | undefined> {
  if (replyToId === undefined) return undefined;
  const { message } = await requireVisibleMessage(deps, actorId, replyToId);
  if (message.conversationId !== conversationId) throw new AppError("BAD_REQUEST", "replyToId must be a message of the same conversation");
  if (message.deleted) throw messageDeleted();
  const sender = await deps.lean.get<{ username: string }>("SELECT `username` FROM `User` WHERE `id` = ?", [message.senderId]);
  return {
    id: message.id,
    userId: message.senderId,
    username: sender?.username ?? "",
    preview: message.encrypted ? null : replyPreview(message.content, false),
  };
}
