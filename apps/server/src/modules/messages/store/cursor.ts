/** A member's two cursors in a conversation. */
export interface Cursors {
  readSeq: number;
  deliveredSeq: number;
}

/** A request to move one member's read (which implies delivered) or delivered cursor to `seq`. */
export interface CursorMove {
  conversationId: number;
  userId: number;
  cursor: "read" | "delivered";
  seq: number;
}

/**
 * What a cursor move did: the cursors before and after (equal when nothing moved) and the conversation's
 * newest seq; or nothing, because the user is not a member (any more).
 */
export type CursorOutcome = { status: "member"; before: Cursors; after: Cursors; lastSeq: number } | { status: "not-member" };

/**
 * Where a move takes the cursors: only forward, never past the newest message (`lastSeq`), and a read
 * position is also a delivered one.
 */
export function advance(current: Cursors, move: Pick<CursorMove, "cursor" | "seq">, lastSeq: number): Cursors {
  const target = Math.max(0, Math.min(move.seq, lastSeq));
  const readSeq = move.cursor === "read" ? Math.max(current.readSeq, target) : current.readSeq;
  return { readSeq, deliveredSeq: Math.max(current.deliveredSeq, readSeq, target) };
}

export function sameCursors(a: Cursors, b: Cursors): boolean {
  return a.readSeq === b.readSeq && a.deliveredSeq === b.deliveredSeq;
}
