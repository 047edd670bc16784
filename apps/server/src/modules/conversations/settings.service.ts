import type { ConversationSummary, UserSettings } from "@hestia/contracts";
import type { Actor, Deps, RequestInfo } from "../../deps";
import { requireConversation } from "./conversations.policy";
import { getConversation } from "./inbox.service";

/** What a settings change stores: a mute without end, a timed mute, or none. */
export function muteState(input: { muted?: boolean; mutedUntil?: string | null }): { muted: boolean; mutedUntil: Date | null } {
  if (input.mutedUntil) return { muted: false, mutedUntil: new Date(input.mutedUntil) };
  if (input.muted === true) return { muted: true, mutedUntil: null };
  return { muted: false, mutedUntil: null };
}

/** Mutes or unmutes a conversation for the actor; answers its summary. */
export async function updateConversationSettings(
  deps: Deps,
  actor: Actor,
  request: RequestInfo,
  conversationId: number,
  input: { muted?: boolean; mutedUntil?: string | null },
): Promise<ConversationSummary> {
  await requireConversation(deps, actor.id, conversationId);
  await deps.db.membership.updateMany({ where: { conversationId, userId: actor.id }, data: muteState(input) });
  return getConversation(deps, actor, request, conversationId);
}

export async function getUserSettings(deps: Deps, actor: Actor): Promise<UserSettings> {
  const user = await deps.db.user.findUniqueOrThrow({ where: { id: actor.id }, select: { readReceipts: true } });
  return { readReceipts: user.readReceipts };
}

/** Changes the actor's settings; every process forgets the old read-receipts setting before this answers. */
export async function updateUserSettings(deps: Deps, actor: Actor, input: Partial<UserSettings>): Promise<UserSettings> {
  const user = await deps.db.user.update({
    where: { id: actor.id },
    data: { readReceipts: input.readReceipts },
    select: { readReceipts: true },
  });
  await deps.conversations.privacy.changed(actor.id);
  return { readReceipts: user.readReceipts };
}
