import { lifecycleContract, type PageQuery } from "@hestia/contracts";
import { call, type Transport } from "../http";

/** A search: the words to find (2–200 characters), optionally in one conversation, and the page. */
export interface SearchParams extends PageQuery {
  q: string;
  conversationId?: number;
}

/** Replies are sent with `replyToId`; everything else that happens to a message afterwards: `client.messages`. */
export function createMessages(transport: Transport) {
  return {
    /** Replaces the text of your own plaintext message; the members get `messageUpdated`. A deleted message is 409. */
    edit: (messageId: number, content: string) => call(transport, lifecycleContract.edit, { id: messageId, content }),
    /** Earlier versions of a message, oldest first. */
    edits: (messageId: number) => call(transport, lifecycleContract.edits, { id: messageId }),
    /**
     * Deletes a message for everyone (yours, or any in a group you own or administer): it stays in history
     * as a tombstone; its text, edit history and reactions are erased. Deleting it again changes nothing.
     */
    delete: async (messageId: number): Promise<void> => {
      await call(transport, lifecycleContract.remove, { id: messageId });
    },
    /** Reacts with one emoji (idempotent); resolves with the message's reactions. */
    react: (messageId: number, emoji: string) => call(transport, lifecycleContract.react, { id: messageId, emoji }),
    /** Takes back a reaction (idempotent); resolves with the message's reactions. */
    unreact: (messageId: number, emoji: string) => call(transport, lifecycleContract.unreact, { id: messageId, emoji }),
    /** Messages of a conversation changed (sent, edited, deleted, reacted to) after a `changeSeq`, ascending, in their current state. */
    changes: (conversationId: number, query: { after?: number; cursor?: string; limit?: number } = {}) =>
      call(transport, lifecycleContract.changes, { ...query, id: conversationId }),
    /** Full-text search over plaintext messages of your conversations, best match first; pass `nextCursor` back as `cursor`. */
    search: (params: SearchParams) => call(transport, lifecycleContract.search, params),
  };
}

export type Messages = ReturnType<typeof createMessages>;
