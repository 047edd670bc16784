import type { ConversationSummary, Message, UnreadTotal } from "@hestia/contracts";
import type { Actor, Deps, RequestInfo } from "../../deps";
import { AppError } from "../../errors";
import { decodeCursor, encodeCursor } from "../../pagination";
import { listAttachments } from "../attachments/attachments.service";
import { badCursor } from "../messages/direct-messages.service";
import type { InboxPosition, InboxRow } from "../messages/store/inbox";
import type { HistoryOptions } from "../messages/store/message-store";
import { conversationNotFound, requireConversation } from "./conversations.policy";
import { summarize } from "./summary";

/** A stored timestamp as either driver returns it (SQLite's ISO text with an offset, MariaDB's "YYYY-MM-DD hh:mm:ss.mmm"). */
const STORED_TIMESTAMP = /^\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(\.\d{1,6})?(Z|[+-]\d\d:\d\d)?$/;

/** The cursor of the page after this row: its activity time exactly as stored, and its id. */
function cursorAfter(row: InboxRow): string {
  const activityAt = row.activityAt instanceof Date ? row.activityAt.toISOString() : String(row.activityAt);
  return encodeCursor({ at: activityAt, id: String(row.id) });
}

function positionOf(cursor: string): InboxPosition {
  const { at, id } = decodeCursor(cursor, ["at", "id"] as const);
  if (!STORED_TIMESTAMP.test(at) || !/^[1-9]\d{0,14}$/.test(id)) {
    throw new AppError("BAD_REQUEST", "Invalid cursor: pass back the nextCursor of the previous page");
  }
  return { activityAt: at, id: Number(id) };
}

/** A page of the actor's conversations, most recent activity first. */
export async function listConversations(
  deps: Deps,
  actor: Actor,
  request: RequestInfo,
  query: { limit: number; cursor?: string },
): Promise<{ items: ConversationSummary[]; nextCursor: string | null }> {
  const after = query.cursor === undefined ? undefined : positionOf(query.cursor);
  const rows = await deps.inbox.page(actor.id, query.limit, after);
  const pageRows = rows.slice(0, query.limit);
  const last = pageRows.at(-1);
  return {
    items: await summarize(deps, request.baseUrl, pageRows),
    nextCursor: rows.length > query.limit && last ? cursorAfter(last) : null,
  };
}

/** One conversation's summary, for its members. */
export async function getConversation(
  deps: Deps,
  actor: Actor,
  request: RequestInfo,
  conversationId: number,
): Promise<ConversationSummary> {
  await requireConversation(deps, actor.id, conversationId);
  const row = await deps.inbox.one(actor.id, conversationId);
  if (!row) throw conversationNotFound();
  const [summary] = await summarize(deps, request.baseUrl, [row]);
  if (!summary) throw conversationNotFound();
  return summary;
}

/** A page of a conversation's history, direct or group, for its members. */
export async function conversationHistory(deps: Deps, actor: Actor, conversationId: number, options: HistoryOptions): Promise<Message[]> {
  const { ref } = await requireConversation(deps, actor.id, conversationId);
  const page = await deps.messages.history(ref, { ...options, viewerId: actor.id });
  if (!page) throw badCursor();
  return listAttachments(deps, page);
}

/** The actor's unread messages and mentions across all conversations. */
export async function unreadTotal(deps: Deps, actor: Actor): Promise<UnreadTotal> {
  const totals = await deps.inbox.totals([actor.id]);
  return totals.get(actor.id) ?? { unreadCount: 0, mentionCount: 0 };
}
