import { AppError } from "../../errors";
import { decodeCursor, encodeCursor } from "../../pagination";
import { cursorId } from "./page-cursor";

/** The two parts of the reports queue: open reports (oldest first), then resolved ones (newest first). */
export type QueuePart = "open" | "resolved";

/** Where a page of the queue ended: the part and the id of its last report. */
export interface QueuePosition {
  part: QueuePart;
  id: number;
}

/** One range a page reads: a part of the queue, from just past `afterId` in that part's order (or its start). */
export interface QueueRead {
  part: QueuePart;
  afterId?: number;
}

const PARTS: readonly QueuePart[] = ["open", "resolved"];

export const queueCursor = {
  encode: (position: QueuePosition) => encodeCursor({ part: position.part, id: String(position.id) }),
  decode(cursor: string | undefined): QueuePosition | undefined {
    if (cursor === undefined) return undefined;
    const { part, id } = decodeCursor(cursor, ["part", "id"]);
    if (part !== "open" && part !== "resolved")
      throw new AppError("BAD_REQUEST", "Invalid cursor: pass back the nextCursor of the previous page");
    return { part, id: cursorId(id) };
  },
};

/**
 * What a page of the queue reads, in order: the parts `only` keeps (both when undefined), starting where
 * the previous page ended. A cursor from a part this listing does not show is refused (400).
 */
export function queueReads(only: QueuePart | undefined, after: QueuePosition | undefined): QueueRead[] {
  const parts = only ? [only] : PARTS;
  if (!after) return parts.map((part) => ({ part }));
  const from = parts.indexOf(after.part);
  if (from === -1) throw new AppError("BAD_REQUEST", "This cursor belongs to another status: pass it back with the same query");
  return parts.slice(from).map((part, index) => (index === 0 ? { part, afterId: after.id } : { part }));
}
