import type { Message } from "@hestia/contracts";
import type { HestiaError } from "../errors";
import type { RealtimeSession } from "./types";

export interface ChangeCatchUp {
  /** Reads a page of a conversation's changes feed. */
  read: NonNullable<RealtimeSession["changes"]>;
  /** A message that changed while the connection was lost, in its current state. */
  changed(message: Message): void;
  /** A conversation whose feed could not be read (it is read again next time). */
  failed(error: HestiaError): void;
  asError(error: unknown): HestiaError;
}

/**
 * Where the client stands in each conversation's changes feed (edits, deletions, reactions, new
 * messages): the highest `changeSeq` seen per conversation, the marks when the connection was lost,
 * and the messages delivered since then (already read from history in their current state).
 */
export function createChangeMarks() {
  const marks = new Map<number, number>();
  let atLoss: Map<number, number> | undefined;
  const deliveredSinceLoss = new Set<number>();

  return {
    /** A change of a conversation was seen. */
    mark(conversationId: number, changeSeq: number | undefined): void {
      if (changeSeq === undefined) return;
      if ((marks.get(conversationId) ?? -1) < changeSeq) marks.set(conversationId, changeSeq);
    },
    /** A message was delivered to the app (from live events or from history). */
    delivered(message: Message): void {
      this.mark(message.conversationId, message.changeSeq);
      if (atLoss) deliveredSinceLoss.add(message.id);
    },
    /** The connection was lost (or events may have been missed): changes after now are read on catch-up. */
    lost(): void {
      atLoss ??= new Map(marks);
    },
    forget(conversationId: number): void {
      marks.delete(conversationId);
    },
    clear(): void {
      marks.clear();
      atLoss = undefined;
      deliveredSinceLoss.clear();
    },
    /**
     * Reads what changed in every followed conversation since the connection was lost and hands each
     * changed message's current state to `changed`; answers how many there were.
     */
    async catchUp(to: ChangeCatchUp | undefined): Promise<number> {
      const from = atLoss ?? new Map(marks);
      const fresh = new Set(deliveredSinceLoss);
      atLoss = undefined;
      deliveredSinceLoss.clear();
      if (!to) return 0;
      let count = 0;
      for (const [conversationId, after] of from) {
        try {
          let page = await to.read(conversationId, { after });
          for (;;) {
            for (const message of page.items) {
              this.mark(conversationId, message.changeSeq);
              if (fresh.has(message.id)) continue;
              to.changed(message);
              count++;
            }
            if (!page.nextCursor) break;
            page = await to.read(conversationId, { cursor: page.nextCursor });
          }
        } catch (error) {
          const failure = to.asError(error);
          // A conversation you left is no longer followed; anything else is told, and read again next time.
          if (failure.code === "NOT_FOUND") marks.delete(conversationId);
          else to.failed(failure);
        }
      }
      return count;
    },
  };
}
