import type { Message, MessageEdit, ReactionCount } from "@hestia/contracts";
import { isoTimestamp } from "@hestia/db";
import type { Actor, Deps } from "../../deps";
import { AppError } from "../../errors";
import { discardAttachments, listAttachments } from "../attachments/attachments.service";
import { requireConversation } from "../conversations/conversations.policy";
import { isAdmin } from "../groups/groups.policy";
import { messageDeleted, requireVisibleMessage } from "./message-access";
import { reactionsOf } from "./store/decorate";
import { editHistory, editMessage, setReaction, tombstone } from "./store/lifecycle";
import { changesAfter, readMessage } from "./store/lifecycle-read";
import type { MessageFacts } from "./store/single-message";

/** Who gets a change's event: the conversation's members (a prepared statement, on every reaction). */
async function memberIds(deps: Deps, conversationId: number): Promise<number[]> {
  const members = await deps.lean.all<{ userId: number }>("SELECT `userId` FROM `Membership` WHERE `conversationId` = ?", [conversationId]);
  return members.map((member) => member.userId);
}

/** Replaces the text of the actor's own plaintext message; the members get `messageUpdated`. */
export async function editOwnMessage(deps: Deps, actor: Actor, messageId: number, content: string): Promise<Message> {
  const { message, ref } = await requireVisibleMessage(deps, actor.id, messageId);
  if (message.senderId !== actor.id) throw new AppError("FORBIDDEN", "Only its sender can edit a message");
  if (message.deleted) throw messageDeleted();
  if (message.encrypted) throw new AppError("FORBIDDEN", "An encrypted message is edited inside the ciphertext, by a new message");
  const outcome = await editMessage(deps.lean, message, content);
  if (outcome.status === "deleted") throw messageDeleted();
  const edited = await readMessage(deps.lean, ref, messageId, actor.id);
  if (!edited) throw new AppError("NOT_FOUND", "Message not found");
  // Reactions say `me` from one viewer's side: the broadcast leaves them out (an edit does not change them).
  const { reactions: _mine, ...shared } = edited;
  deps.broadcaster.messageUpdated(await memberIds(deps, message.conversationId), { message: shared });
  return edited;
}

/** Earlier versions of a message, oldest first (members of its conversation). */
export async function messageEdits(deps: Deps, actor: Actor, messageId: number): Promise<MessageEdit[]> {
  await requireVisibleMessage(deps, actor.id, messageId);
  const rows = await editHistory(deps.lean, messageId);
  return rows.map((row) => ({ content: row.content, editedAt: isoTimestamp(row.editedAt) }));
}

/**
 * Makes a message a tombstone for everyone and tells the members with `messageDeleted`. The one deletion
 * path: a sender's, a group admin's and a server admin's deletions all end here. Answers whether this call deleted it.
 */
export async function deleteForEveryone(deps: Deps, message: Pick<MessageFacts, "id" | "conversationId" | "seq">): Promise<boolean> {
  const at = new Date();
  const changeSeq = await tombstone(deps.lean, message, at);
  if (changeSeq === undefined) return false;
  // Its files are erased too (the sweep catches any whose deletion fails here).
  await discardAttachments(deps, { messageId: message.id });
  deps.broadcaster.messageDeleted(await memberIds(deps, message.conversationId), {
    conversationId: message.conversationId,
    messageId: message.id,
    seq: message.seq,
    deletedAt: at.toISOString(),
    changeSeq,
  });
  return true;
}

/** Deletes a message for everyone: its sender, or an owner or admin of its group (403 for other members). Deleting a tombstone changes nothing. */
export async function deleteMessage(deps: Deps, actor: Actor, messageId: number): Promise<void> {
  const { message, membership } = await requireVisibleMessage(deps, actor.id, messageId);
  const allowed =
    message.senderId === actor.id || (membership.kind === "GROUP" && isAdmin(membership.role as "OWNER" | "ADMIN" | "MEMBER"));
  if (!allowed) throw new AppError("FORBIDDEN", "Only its sender or the group's admins can delete a message");
  await deleteForEveryone(deps, message);
}

/** Adds (or takes back) the actor's reaction with one emoji; idempotent. Answers the message's reactions. */
export async function react(
  deps: Deps,
  actor: Actor,
  messageId: number,
  emoji: string,
  added: boolean,
): Promise<{ reactions: ReactionCount[] }> {
  const { message } = await requireVisibleMessage(deps, actor.id, messageId);
  if (message.deleted) throw messageDeleted();
  if (message.encrypted) throw new AppError("BAD_REQUEST", "Reactions to encrypted messages travel inside the ciphertext");
  const outcome = await setReaction(deps.lean, message, actor.id, emoji, added);
  if (outcome.status === "deleted") throw messageDeleted();
  if (outcome.status === "too-many") throw new AppError("BAD_REQUEST", "At most 20 different reactions per user on one message");
  if (outcome.status === "changed") {
    deps.broadcaster.reaction(await memberIds(deps, message.conversationId), {
      conversationId: message.conversationId,
      messageId,
      emoji,
      userId: actor.id,
      added,
      changeSeq: outcome.changeSeq,
    });
  }
  const reactions = await reactionsOf(deps.lean, [messageId], actor.id);
  return { reactions: reactions.get(messageId) ?? [] };
}

/** The current state of every message of a conversation changed after a changeSeq, ascending (members only). */
export async function conversationChanges(
  deps: Deps,
  actor: Actor,
  conversationId: number,
  query: { after?: number; cursor?: string; limit: number },
): Promise<{ items: Message[]; nextCursor: string | null }> {
  const { ref } = await requireConversation(deps, actor.id, conversationId);
  const after = query.cursor !== undefined ? Number(query.cursor) : (query.after ?? 0);
  const { limit } = query;
  const rows = await changesAfter(deps.lean, ref, after, limit + 1, actor.id);
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  await listAttachments(deps, items);
  return { items, nextCursor: rows.length > limit && last?.changeSeq !== undefined ? String(last.changeSeq) : null };
}
