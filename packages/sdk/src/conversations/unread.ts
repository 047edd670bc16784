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
 * plus its own count for the ones it has; `sync` makes them exact again. Mentions in end-to-end encrypted
 * conversations are known only to the devices that decrypt them: they are counted here on the side (the
 * server's counts never include them), by seq, until read.
 */
export class UnreadCounter {
  readonly #known = new Map<number, ConversationUnread>();
  readonly #events = createEmitter<{ change: UnreadSnapshot }>();
  /** Unread messages and mentions in conversations the SDK has not seen. */
  #rest = { unreadCount: 0, mentionCount: 0 };
  /** The seqs of decrypted messages that mention you, per conversation, not yet read. */
  readonly #encryptedMentions = new Map<number, Set<number>>();

  /** Unread messages across every conversation. */
  get total(): number {
    let total = this.#rest.unreadCount;
    for (const conversation of this.#known.values()) total += conversation.unreadCount;
    return total;
  }

  /** Unread mentions of you across every conversation (those in encrypted conversations as this device decrypted them). */
  get mentions(): number {
    let total = this.#rest.mentionCount;
    for (const conversation of this.#known.values()) total += conversation.mentionCount;
    for (const seqs of this.#encryptedMentions.values()) total += seqs.size;
    return total;
  }

  /** What the SDK knows of one conversation. */
  of(conversationId: number): ConversationUnread | undefined {
    const known = this.#known.get(conversationId);
    const encrypted = this.#encryptedMentions.get(conversationId)?.size ?? 0;
    return known && encrypted ? { ...known, mentionCount: known.mentionCount + encrypted } : known;
  }

  get snapshot(): UnreadSnapshot {
    let conversations: ReadonlyMap<number, ConversationUnread> = this.#known;
    if (this.#encryptedMentions.size) {
      conversations = new Map([...this.#known.keys()].map((id) => [id, this.of(id) as ConversationUnread]));
    }
    return { unreadCount: this.total, mentionCount: this.mentions, conversations };
  }

  /**
   * A decrypted message of an end-to-end encrypted conversation mentions you (the server cannot count it):
   * counted until your read cursor passes its seq, or it is deleted (`unmentioned`).
   */
  mentioned(conversationId: number, seq: number): void {
    const known = this.#known.get(conversationId);
    if (known && seq <= known.readSeq) return;
    const seqs = this.#encryptedMentions.get(conversationId) ?? new Set<number>();
    if (seqs.has(seq)) return;
    this.#encryptedMentions.set(conversationId, seqs.add(seq));
    this.#changed();
  }

  /** A decrypted mention of you no longer counts (its message was deleted). */
  unmentioned(conversationId: number, seq: number): void {
    if (this.#encryptedMentions.get(conversationId)?.delete(seq)) this.#changed();
  }

  /** Forgets the encrypted mentions up to `readSeq`. */
  #readMentions(conversationId: number, readSeq: number): void {
    const seqs = this.#encryptedMentions.get(conversationId);
    if (!seqs) return;
    for (const seq of seqs) if (seq <= readSeq) seqs.delete(seq);
    if (!seqs.size) this.#encryptedMentions.delete(conversationId);
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
    this.#readMentions(summary.id, readSeq);
    this.#changed();
  }

  /**
   * A live message. From someone else it is unread (once); your own moves your read cursor to it.
   * Returns false when the conversation is not known: it was counted, and its summary is worth reading.
   */
  message(message: Pick<Message, "conversationId" | "seq" | "userId" | "mentions">, selfId: number): boolean {
    const known = this.#known.get(message.conversationId);
    const own = message.userId === selfId;
    if (own) this.#readMentions(message.conversationId, message.seq);
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
      this.#readMentions(message.conversationId, known.readSeq);
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
    this.#readMentions(state.conversationId, state.readSeq);
    if (!known) {
      this.#changed();
      return;
    }
    if (state.readSeq < known.readSeq) return;
    known.readSeq = state.readSeq;
    known.unreadCount = state.unreadCount;
    known.mentionCount = Math.min(known.mentionCount, state.unreadCount);
    this.#changed();
  }

  /** Forgets everything (another account signed in). */
  clear(): void {
    this.#known.clear();
    this.#encryptedMentions.clear();
    this.#rest = { unreadCount: 0, mentionCount: 0 };
    this.#changed();
  }

  #changed(): void {
    this.#events.emit("change", this.snapshot);
  }
}
