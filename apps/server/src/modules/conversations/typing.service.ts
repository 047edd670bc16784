import type { Actor, Deps } from "../../deps";
import { othersOf } from "./audience";
import { requireConversation } from "./conversations.policy";

/** The actor started or stopped typing in a conversation they are a member of (nothing is stored). */
export async function setTyping(deps: Deps, actor: Actor, conversationId: number, typing: boolean): Promise<{ ok: true }> {
  const { ref } = await requireConversation(deps, actor.id, conversationId);
  deps.conversations.typing.set(conversationId, actor.id, typing, othersOf(ref, actor.id));
  return { ok: true };
}
