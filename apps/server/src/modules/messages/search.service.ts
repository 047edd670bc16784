import type { Message } from "@hestia/contracts";
import type { Actor, Deps } from "../../deps";
import { AppError } from "../../errors";
import { requireConversation } from "../conversations/conversations.policy";
import { searchMessages, searchWords } from "./store/search";

// Ranked results page by position; deep pages of a text search are of no use to anyone.
const MAX_OFFSET = 1_000;

function offsetOf(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  const offset = /^(0|[1-9][0-9]{0,5})$/.test(cursor) ? Number(cursor) : Number.NaN;
  if (!(offset <= MAX_OFFSET)) throw new AppError("BAD_REQUEST", "cursor must come from nextCursor");
  return offset;
}

/** Messages of the actor's conversations (or one of them) that hold every word of `q`, best match first. */
export async function searchOwnMessages(
  deps: Deps,
  actor: Actor,
  query: { q: string; conversationId?: number; limit: number; cursor?: string },
): Promise<{ items: Message[]; nextCursor: string | null }> {
  if (query.conversationId !== undefined) await requireConversation(deps, actor.id, query.conversationId);
  const offset = offsetOf(query.cursor);
  const found = await searchMessages(deps.lean, {
    userId: actor.id,
    words: searchWords(query.q),
    conversationId: query.conversationId,
    limit: query.limit + 1,
    offset,
  });
  const items = found.slice(0, query.limit);
  const more = found.length > query.limit && offset + query.limit < MAX_OFFSET;
  return { items, nextCursor: more ? String(offset + query.limit) : null };
}
