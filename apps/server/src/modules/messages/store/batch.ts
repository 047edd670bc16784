import type { Append, AppendOutcome } from "./append";
import type { CursorMove, CursorOutcome } from "./cursor";

/** One write of a group-commit batch: a message to store, or a member's cursor to move. */
export type Write = { type: "append"; append: Append } | { type: "cursor"; move: CursorMove };

/** What became of one write. */
export type WriteOutcome = { type: "append"; outcome: AppendOutcome } | { type: "cursor"; outcome: CursorOutcome };

/** A member's read (and delivered) cursor moving to at least `seq`, because they sent the message there. */
export interface SenderCursor {
  conversationId: number;
  userId: number;
  seq: number;
}

/** What a batch's new messages change for a conversation's members: its activity time, and its senders' cursors. */
export interface ConversationActivity {
  conversationId: number;
  /** When its newest message of the batch was stored: every member's inbox moves it up. */
  at: Date;
  /** Each sender's newest seq: a sender has read their own message, so it never counts as unread for them. */
  senders: SenderCursor[];
}

/** Collects the activity of the conversations a batch stored messages in. */
export function createActivity() {
  const conversations = new Map<number, { at: Date; senders: Map<number, number> }>();
  return {
    stored(outcome: AppendOutcome): void {
      if (outcome.status !== "stored") return;
      const { conversationId, userId, seq, createdAt } = outcome.message;
      const known = conversations.get(conversationId) ?? { at: new Date(createdAt), senders: new Map<number, number>() };
      conversations.set(conversationId, known);
      const at = new Date(createdAt);
      if (at > known.at) known.at = at;
      if ((known.senders.get(userId) ?? 0) < seq) known.senders.set(userId, seq);
    },
    list: (): ConversationActivity[] =>
      [...conversations].map(([conversationId, { at, senders }]) => ({
        conversationId,
        at,
        senders: [...senders].map(([userId, seq]) => ({ conversationId, userId, seq })),
      })),
  };
}

/** The key a member's cursors are kept under while a batch is written. */
export const memberKey = (conversationId: number, userId: number) => `${conversationId}:${userId}`;
