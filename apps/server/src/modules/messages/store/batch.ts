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

/**
 * Collects, per sender and conversation, the highest seq a batch stored: a sender has read their own
 * message, so it never counts as unread for them (and what they had not read before it is read now).
 */
export function createSenderCursors() {
  const cursors = new Map<string, SenderCursor>();
  return {
    stored(outcome: AppendOutcome): void {
      if (outcome.status !== "stored") return;
      const { conversationId, userId, seq } = outcome.message;
      const key = `${conversationId}:${userId}`;
      const known = cursors.get(key);
      if (!known || known.seq < seq) cursors.set(key, { conversationId, userId, seq });
    },
    list: (): SenderCursor[] => [...cursors.values()],
  };
}

/** The key a member's cursors are kept under while a batch is written. */
export const memberKey = (conversationId: number, userId: number) => `${conversationId}:${userId}`;
