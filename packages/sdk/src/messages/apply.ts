import type { Message, MessageDeleted, ReactionEvent } from "@hestia/contracts";

/**
 * A message after a `reaction` event, seen by `selfId`: the emoji's count moves by one (an entry is added
 * or dropped as needed) and `me` follows your own reactions. Returns a new message; the input is unchanged.
 */
export function applyReaction(message: Message, event: ReactionEvent, selfId: number): Message {
  const reactions = [...(message.reactions ?? [])];
  const index = reactions.findIndex((reaction) => reaction.emoji === event.emoji);
  const mine = event.userId === selfId;
  if (index === -1) {
    if (event.added) reactions.push({ emoji: event.emoji, count: 1, me: mine });
  } else {
    const current = reactions[index] as { emoji: string; count: number; me: boolean };
    const count = current.count + (event.added ? 1 : -1);
    if (count <= 0) reactions.splice(index, 1);
    else reactions[index] = { ...current, count, me: mine ? event.added : current.me };
  }
  const next: Message = { ...message, reactions };
  if (!reactions.length) delete next.reactions;
  if (event.changeSeq !== undefined) next.changeSeq = event.changeSeq;
  return next;
}

/** A message after a `messageUpdated` event: the new state, keeping the reactions you already know (an edit does not change them). */
export function applyUpdate(message: Message, updated: Message): Message {
  const next: Message = { ...updated };
  if (message.reactions) next.reactions = message.reactions;
  return next;
}

/** A message after `messageDeleted`: a tombstone without content, reactions or reply preview. */
export function applyDeletion(message: Message, event: MessageDeleted): Message {
  const { reactions: _reactions, editedAt: _editedAt, ciphertext: _ciphertext, mentions: _mentions, replyTo: _replyTo, ...rest } = message;
  const next: Message = { ...rest, content: null, deletedAt: event.deletedAt ?? new Date().toISOString() };
  if (event.changeSeq !== undefined) next.changeSeq = event.changeSeq;
  return next;
}
