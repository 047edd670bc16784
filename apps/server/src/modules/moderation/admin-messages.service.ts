import type { Actor, Deps } from "../../deps";
import { AppError } from "../../errors";
import { discardAttachments } from "../attachments/attachments.service";
import { eraseMessage, findMessage } from "../messages/store/single-message";
import { requireServerAdmin } from "./admin.policy";
import { recordAction } from "./audit-log";

/**
 * Deletes any message for everyone (server admins): it stays in history as a tombstone (same id and
 * seq, no content, no ciphertext) and the conversation's members are told with `messageDeleted`.
 * Deleting a tombstone changes nothing.
 */
export async function deleteAnyMessage(deps: Deps, actor: Actor, messageId: number): Promise<void> {
  await requireServerAdmin(deps.db, actor);
  const message = await findMessage(deps.lean, messageId);
  if (!message) throw new AppError("NOT_FOUND", "Message not found");
  if (!(await eraseMessage(deps.lean, messageId, new Date()))) return;
  // A deleted message's files are erased too (the sweep catches any whose deletion fails here).
  await discardAttachments(deps, { messageId });
  const members = await deps.db.membership.findMany({ where: { conversationId: message.conversationId }, select: { userId: true } });
  deps.broadcaster.messageDeleted(
    members.map((member) => member.userId),
    { conversationId: message.conversationId, messageId, seq: message.seq },
  );
  await recordAction(deps.lean, {
    adminId: actor.id,
    action: "delete_message",
    targetMessageId: messageId,
    targetUserId: message.senderId,
    details: `conversation ${message.conversationId}, seq ${message.seq}`,
  });
}
