import {
  type ConversationSummary,
  contract,
  type DeliveredState,
  type Endpoint,
  type EndpointInput,
  type EndpointOutput,
  type Message,
  type ReadState,
  type Receipt,
  type ReceiptEvent,
  type UnreadTotal,
} from "@hestia/contracts";
import { createEmitter } from "../realtime/emitter";
import type { Realtime } from "../realtime/realtime";
import type { HistoryQuery } from "../types";
import { DeliveryReporter } from "./delivery";
import { TypingSender, TypingWatcher } from "./typing";
import { UnreadCounter } from "./unread";

const { conversations: endpoints } = contract;

/** What `client.conversations` needs from the client it belongs to. */
export interface ConversationsSession {
  call<E extends Endpoint>(endpoint: E, input: EndpointInput<E>): Promise<EndpointOutput<E>>;
  realtime: Realtime;
  /** The signed-in user's id. */
  selfId(): Promise<number>;
}

export interface ConversationsOptions {
  /** Tell the server as soon as messages from others arrive here (`markDelivered`, coalesced). Default true. */
  markDelivered?: boolean;
}

/** What `client.conversations.on` can listen to. */
export interface ConversationsEvents {
  /** The users typing in a conversation changed. */
  typing: { conversationId: number; userIds: number[] };
  /** Another member read or received messages. */
  receipt: ReceiptEvent;
}

/** A page of the inbox: summaries, most recent activity first, and the cursor of the next page. */
export interface InboxPage {
  items: ConversationSummary[];
  nextCursor: string | null;
}

/**
 * The inbox: your conversations with their last message and unread counts, read and delivered cursors,
 * receipts, typing and mute. Works the same for end-to-end encrypted conversations: the server only ever
 * sees seq numbers. With the realtime connection open it keeps `unread` up to date by itself, reports
 * received messages as delivered, and tracks who is typing.
 */
export class Conversations {
  /** Your unread messages and mentions: `total`, `mentions`, `of(id)`, and `subscribe` for changes. */
  readonly unread = new UnreadCounter();
  readonly #session: ConversationsSession;
  readonly #events = createEmitter<ConversationsEvents>();
  readonly #typingOut: TypingSender;
  readonly #typingIn: TypingWatcher;
  readonly #delivery: DeliveryReporter;
  readonly #options: ConversationsOptions;
  /** Conversations whose summary is being read because a message revealed them. */
  readonly #learning = new Set<number>();

  constructor(session: ConversationsSession, options: ConversationsOptions = {}) {
    this.#session = session;
    this.#options = options;
    const { realtime } = session;
    this.#typingOut = new TypingSender((conversationId, typing) => {
      realtime.request("typing", { conversationId, typing }).catch(() => undefined);
    });
    this.#typingIn = new TypingWatcher((conversationId, userIds) => this.#events.emit("typing", { conversationId, userIds }));
    this.#delivery = new DeliveryReporter((conversationId, seq) => realtime.request("markDelivered", { conversationId, seq }));
    realtime.on("newDM", (message) => void this.#incoming(message));
    realtime.on("newGroupMessage", (message) => void this.#incoming(message));
    realtime.on("readState", (state) => this.unread.read(state));
    realtime.on("receipt", (receipt) => this.#events.emit("receipt", receipt));
    realtime.on("typing", (event) => this.#typingIn.event(event));
    realtime.on("disconnected", () => {
      this.#typingIn.clear();
      this.#delivery.clear();
    });
    // Whatever happened while the connection was down is in the server's totals.
    realtime.on("connected", ({ reconnected }) => {
      if (reconnected) this.refreshUnread().catch(() => undefined);
    });
    // The same when the server says it may have missed passing some on (conversations never seen included).
    realtime.on("resync", () => void this.refreshUnread().catch(() => undefined));
  }

  /** Subscribes to an event; returns a function that unsubscribes. */
  on<K extends keyof ConversationsEvents>(event: K, handler: (payload: ConversationsEvents[K]) => void): () => void {
    return this.#events.on(event, handler);
  }

  /** A page of your conversations, most recent activity first (`limit` up to 100, `cursor` from the previous page). */
  async list(query: { limit?: number; cursor?: string } = {}): Promise<InboxPage> {
    const page = await this.#session.call(endpoints.list, query);
    for (const summary of page.items) this.unread.learn(summary);
    return page;
  }

  /** One conversation's summary (404 NOT_FOUND unless you are a member). */
  async get(conversationId: number): Promise<ConversationSummary> {
    const summary = await this.#session.call(endpoints.get, { id: conversationId });
    this.unread.learn(summary);
    return summary;
  }

  /** A page of a conversation's history, direct or group, oldest first. */
  messages(conversationId: number, query: HistoryQuery = {}): Promise<Message[]> {
    return this.#session.call(endpoints.messages, { ...query, id: conversationId });
  }

  /**
   * The first page of the inbox, live: its groups are joined (so their messages, receipts and typing
   * arrive) and the unread totals are read from the server. Connect `client.realtime` first.
   */
  async watch(limit = 50): Promise<InboxPage> {
    const page = await this.list({ limit });
    const groups = page.items.filter((summary) => summary.kind === "GROUP").map((summary) => summary.id);
    await Promise.all(groups.map((groupId) => this.#session.realtime.joinGroup(groupId)));
    await this.refreshUnread();
    return page;
  }

  /** Reads the unread totals from the server (done by itself after every reconnect). */
  async refreshUnread(): Promise<UnreadTotal> {
    const total = await this.#session.call(endpoints.unread, {});
    this.unread.sync(total);
    return total;
  }

  /** Marks the conversation read up to `seq` (and delivered); only ever moves forward. */
  async markRead(conversationId: number, seq: number): Promise<ReadState> {
    const { realtime } = this.#session;
    const state = realtime.connected
      ? await realtime.request("markRead", { conversationId, seq })
      : await this.#session.call(endpoints.read, { id: conversationId, seq });
    this.unread.read({ conversationId, ...state });
    return state;
  }

  /** Marks the conversation's messages up to `seq` delivered (done by itself for messages that arrive live). */
  markDelivered(conversationId: number, seq: number): Promise<DeliveredState> {
    const { realtime } = this.#session;
    return realtime.connected
      ? realtime.request("markDelivered", { conversationId, seq })
      : this.#session.call(endpoints.delivered, { id: conversationId, seq });
  }

  /** Mutes the conversation for you (no push, except for mentions of you): until `until`, or until you unmute. */
  mute(conversationId: number, until?: Date | string): Promise<ConversationSummary> {
    const mutedUntil = until === undefined ? undefined : new Date(until).toISOString();
    return this.#settings(conversationId, mutedUntil ? { mutedUntil } : { muted: true });
  }

  unmute(conversationId: number): Promise<ConversationSummary> {
    return this.#settings(conversationId, { muted: false });
  }

  /** How far the other members have read (null where read receipts are off) and received. */
  receipts(conversationId: number): Promise<Receipt[]> {
    return this.#session.call(endpoints.receipts, { id: conversationId });
  }

  /**
   * Call on every keystroke in a conversation's input: tells the other members you are typing, at most
   * every 2 s, and that you stopped after 5 s without a keystroke.
   */
  typing(conversationId: number): void {
    this.#typingOut.keystroke(conversationId);
  }

  /** You stopped typing (cleared the input, left the conversation): the others learn it at once. */
  stopTyping(conversationId: number): void {
    this.#typingOut.stop(conversationId);
  }

  /** The users typing in a conversation now. */
  typingIn(conversationId: number): number[] {
    return this.#typingIn.typing(conversationId);
  }

  async #settings(conversationId: number, input: { muted?: boolean; mutedUntil?: string }): Promise<ConversationSummary> {
    const summary = await this.#session.call(endpoints.settings, { ...input, id: conversationId });
    this.unread.learn(summary);
    return summary;
  }

  async #incoming(message: Message): Promise<void> {
    const selfId = await this.#session.selfId();
    const known = this.unread.message(message, selfId);
    if (message.userId === selfId) {
      this.#typingOut.sent(message.conversationId);
      return;
    }
    this.#typingIn.message(message.conversationId, message.userId);
    if (this.#options.markDelivered !== false) this.#delivery.received(message.conversationId, message.seq);
    if (!known && !this.#learning.has(message.conversationId)) {
      this.#learning.add(message.conversationId);
      this.get(message.conversationId)
        .catch(() => undefined)
        .finally(() => this.#learning.delete(message.conversationId));
    }
  }
}
