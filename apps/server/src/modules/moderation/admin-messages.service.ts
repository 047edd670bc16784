import type { Actor, Deps } from "../../deps";
import { AppError } from "../../errors";
import { deleteForEveryone } from "../messages/lifecycle.service";
import { findMessage } from "../messages/store/single-message";
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
  if (!(await deleteForEveryone(deps, message))) return;
  await recordAction(deps.lean, {
    adminId: actor.id,
    action: "delete_message",
    targetMessageId: messageId,
    targetUserId: message.senderId,
    details: `conversation ${message.conversationId}, seq ${message.seq}`,
  });
}
