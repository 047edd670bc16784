import type { LeanDb } from "@hestia/db";
import type { ConversationRef } from "../messages/store/message-row";

/** How many conversations' kinds and pair keys a process keeps (they never change, so they are never invalidated). */
const MAX_REFS = 100_000;

/**
 * A conversation's kind and pair key by id, read once: what turns stored rows into messages and says who
 * "the other members" are. Membership is checked elsewhere (the access cache), before this is asked.
 */
export function createConversationRefs(lean: LeanDb) {
  const refs = new Map<number, ConversationRef>();
  return {
    async get(conversationId: number): Promise<ConversationRef | undefined> {
      const known = refs.get(conversationId);
      if (known) return known;
      const row = await lean.get<ConversationRef>("SELECT `id`, `kind`, `directKey` FROM `Conversation` WHERE `id` = ?", [conversationId]);
      if (!row) return undefined;
      if (refs.size >= MAX_REFS) refs.clear();
      refs.set(conversationId, row);
      return row;
    },
  };
}

export type ConversationRefs = ReturnType<typeof createConversationRefs>;
