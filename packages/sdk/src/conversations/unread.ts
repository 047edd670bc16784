import type { ConversationSummary, Message, UnreadTotal } from "@hestia/contracts";
import { createEmitter } from "../realtime/emitter";

/** What the SDK knows of one conversation's unread state. */
export interface ConversationUnread {
  unreadCount: number;
  mentionCount: number;
  readSeq: number;
  lastSeq: number;
}

/** The totals across every conversation, as the SDK currently knows them. */
export interface UnreadSnapshot extends UnreadTotal {
  /** Per conversation, for the conversations the SDK has seen (listed, fetched or written to live). */
  conversations: ReadonlyMap<number, ConversationUnread>;
}

/**
 * Your unread counts, kept up to date from what the server says (totals, summaries, `readState`) and from
 * live messages in between. The totals are the server's for conversations the SDK has not seen yet,
 * plus its own count for the ones it has; `sync` makes them exact again.
 */
export class UnreadCounter {
  readonly #known = new Map<number, ConversationUnread>();
  readonly #events = createEmitter<{ change: UnreadSnapshot }>();
  /** Unread messages and mentions in conversations the SDK has not seen. */
  #rest = { unreadCount: 0, mentionCount: 0 };

  /** Unread messages across every conversation. */
  get total(): number {
    let total = this.#rest.unreadCount;
    for (const conversation of this.#known.values()) total += conversation.unreadCount;
    return total;
  }

  /** Unread mentions of you across every conversation. */
  get mentions(): number {
    let total = this.#rest.mentionCount;
    for (const conversation of this.#known.values()) total += conversation.mentionCount;
    return total;
  }

  /** What the SDK knows of one conversation. */
  of(conversationId: number): ConversationUnread | undefined {
    return this.#known.get(conversationId);
  }

  get snapshot(): UnreadSnapshot {
    return { unreadCount: this.total, mentionCount: this.mentions, conversations: this.#known };
  }

  /** Calls `listener` with the new state after every change; returns a function that unsubscribes. */
  subscribe(listener: (snapshot: UnreadSnapshot) => void): () => void {
    return this.#events.on("change", listener);
  }

  /** The server's totals, read just now (and the summaries known are as fresh). */
  sync(total: UnreadTotal): void {
    let known = 0;
    let mentions = 0;
    for (const conversation of this.#known.values()) {
      known += conversation.unreadCount;
      mentions += conversation.mentionCount;
    }
    this.#rest = { unreadCount: Math.max(0, total.unreadCount - known), mentionCount: Math.max(0, total.mentionCount - mentions) };
    this.#changed();
  }

  /** A summary from the server: exact for that conversation. */
  learn(summary: Pick<ConversationSummary, "id" | "unreadCount" | "mentionCount" | "readSeq" | "lastSeq">): void {
    if (!this.#known.has(summary.id)) {
      // Its unread messages were counted in the rest until now.
      this.#rest = {
        unreadCount: Math.max(0, this.#rest.unreadCount - summary.unreadCount),
        mentionCount: Math.max(0, this.#rest.mentionCount - summary.mentionCount),
      };
    }
    const { unreadCount, mentionCount, readSeq, lastSeq } = summary;
    this.#known.set(summary.id, { unreadCount, mentionCount, readSeq, lastSeq });
    this.#changed();
  }

  /**
   * A live message. From someone else it is unread (once); your own moves your read cursor to it.
   * Returns false when the conversation is not known: it was counted, and its summary is worth reading.
   */
  message(message: Pick<Message, "conversationId" | "seq" | "userId" | "mentions">, selfId: number): boolean {
    const known = this.#known.get(message.conversationId);
    const own = message.userId === selfId;
    if (!known) {
      if (!own) {
        this.#rest.unreadCount += 1;
        if (message.mentions?.includes(selfId)) this.#rest.mentionCount += 1;
        this.#changed();
      }
      return false;
    }
    if (own) {
      known.readSeq = Math.max(known.readSeq, message.seq);
      if (message.seq >= known.lastSeq) {
        known.unreadCount = 0;
        known.mentionCount = 0;
      }
    } else if (message.seq > known.lastSeq && message.seq > known.readSeq) {
      known.unreadCount += 1;
      if (message.mentions?.includes(selfId)) known.mentionCount += 1;
    }
    known.lastSeq = Math.max(known.lastSeq, message.seq);
    this.#changed();
    return true;
  }

  /** Your read cursor moved (here, on another device, or over REST). */
  read(state: { conversationId: number; readSeq: number; unreadCount: number }): void {
    const known = this.#known.get(state.conversationId);
    if (!known) return;
    if (state.readSeq < known.readSeq) return;
    known.readSeq = state.readSeq;
    known.unreadCount = state.unreadCount;
    known.mentionCount = Math.min(known.mentionCount, state.unreadCount);
    this.#changed();
  }

  /** Forgets everything (another account signed in). */
  clear(): void {
    this.#known.clear();
    this.#rest = { unreadCount: 0, mentionCount: 0 };
    this.#changed();
  }

  #changed(): void {
    this.#events.emit("change", this.snapshot);
  }
}
