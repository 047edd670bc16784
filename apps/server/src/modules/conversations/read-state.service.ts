import type { DeliveredState, ReadState, Receipt } from "@hestia/contracts";
import type { Actor, Deps } from "../../deps";
import { conversationNotFound, requireConversation } from "./conversations.policy";

/** Where a cursor move came from: a socket (which then gets no readState of its own), or REST. */
export interface MoveOrigin {
  socketId?: string;
}

async function move(deps: Deps, actor: Actor, conversationId: number, cursor: "read" | "delivered", seq: number) {
  const { ref } = await requireConversation(deps, actor.id, conversationId);
  const outcome = await deps.messages.moveCursor({ conversationId, userId: actor.id, cursor, seq });
  // Removed from the group since the membership was checked.
  if (outcome.status !== "member") throw conversationNotFound();
  deps.conversations.receipts.moved(ref, actor.id, outcome.before, outcome.after);
  return outcome;
}

/**
 * Marks a conversation read up to `seq` (forward only, clamped to its newest message; delivered too).
 * The reader's other sockets get `readState`, the other members `receipt`.
 */
export async function markRead(deps: Deps, actor: Actor, conversationId: number, seq: number, origin: MoveOrigin = {}): Promise<ReadState> {
  const { before, after, lastSeq } = await move(deps, actor, conversationId, "read", seq);
  const state = { readSeq: after.readSeq, unreadCount: await deps.inbox.unreadCount(conversationId, after.readSeq, lastSeq) };
  if (after.readSeq !== before.readSeq) deps.broadcaster.readState(actor.id, { conversationId, ...state }, origin.socketId);
  return state;
}

/** Marks a conversation's messages delivered up to `seq` (forward only, clamped); the other members get `receipt`. */
export async function markDelivered(deps: Deps, actor: Actor, conversationId: number, seq: number): Promise<DeliveredState> {
  const { after } = await move(deps, actor, conversationId, "delivered", seq);
  return { deliveredSeq: after.deliveredSeq };
}

/** How far the other members have read and received; read cursors hidden where either side turned read receipts off. */
export async function listReceipts(deps: Deps, actor: Actor, conversationId: number): Promise<Receipt[]> {
  await requireConversation(deps, actor.id, conversationId);
  const [rows, own] = await Promise.all([deps.inbox.receipts(conversationId, actor.id), deps.conversations.privacy.showsReads(actor.id)]);
  return rows.map((row) => ({
    userId: row.userId,
    readSeq: own && row.readReceipts ? row.readSeq : null,
    deliveredSeq: row.deliveredSeq,
  }));
}
