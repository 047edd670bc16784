import type { MembershipFacts } from "../../cache/access";
import type { Deps } from "../../deps";
import { AppError } from "../../errors";
import type { ConversationRef } from "../messages/store/message-row";

export const conversationNotFound = () => new AppError("NOT_FOUND", "Conversation not found");

/**
 * The actor's membership of a conversation, direct or group, with its kind and pair key. A conversation
 * you are not in answers exactly like one that does not exist (404).
 */
export async function requireConversation(
  deps: Deps,
  userId: number,
  conversationId: number,
): Promise<{ ref: ConversationRef; membership: MembershipFacts }> {
  const membership = await deps.access.membership(conversationId, userId);
  const ref = membership && (await deps.conversations.refs.get(conversationId));
  if (!membership || !ref) throw conversationNotFound();
  return { ref, membership };
}
