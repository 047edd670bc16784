import { blocksContract, exportContract, type PageQuerySchema, type ReportInputSchema, reportsContract } from "@hestia/contracts";
import type { z } from "zod";
import { call, type Transport } from "./http";

/**
 * A report: a message (of a conversation you are in; `userId` may repeat its sender), or a user; a
 * reason, and an optional note (at most 1000 characters).
 */
export type ReportInput = Omit<z.output<typeof ReportInputSchema>, "messageId" | "userId"> &
  ({ messageId: number; userId?: number } | { userId: number; messageId?: undefined });

/** A page of a list: how many (default 50, at most 100), and the `nextCursor` of the page before. */
export type PageParams = Partial<z.output<typeof PageQuerySchema>>;

/** Blocks, reports and your data export: `client.safety`. */
export function createSafety(transport: Transport) {
  return {
    /**
     * Blocks a user: any friendship and pending friend requests between you end, friend requests between
     * you are refused until you unblock, their DMs are refused, and you get no push notifications for
     * their messages. Blocking someone already blocked changes nothing.
     */
    block: (userId: number) => call(transport, blocksContract.block, { id: userId }),
    /** Lifts a block (the friendship it ended is not restored). */
    unblock: (userId: number) => call(transport, blocksContract.unblock, { id: userId }),
    /** One page of the users you blocked, most recently blocked first; pass `nextCursor` back for the next page. */
    listBlocked: (query: PageParams = {}) => call(transport, blocksContract.blocked, query),
    /**
     * Reports a message or a user to the server's admins; resolves with the report's id. Reporting what
     * you already reported, while it is open, answers the same id.
     */
    report: (input: ReportInput) => call(transport, reportsContract.create, input),
    /** Everything the server holds about you (profile, friends, groups, sessions, blocks, reports, your messages). */
    exportData: () => call(transport, exportContract.export, {}),
  };
}

export type Safety = ReturnType<typeof createSafety>;
