import type { ClientEvents, Message } from "@hestia/contracts";
import { HestiaError, isErrorBody } from "../errors";
import { sendIdempotent } from "../idempotency";
import type { DMHistoryQuery, EventAck, EventPayload, GroupHistoryQuery, SendDMInput, SendGroupMessageInput } from "../types";
import { createChangeMarks } from "./changes";
import { asHestiaError, connectError, connectSocket, createSocket, type HestiaClientSocket, request } from "./connection";
import { createEmitter } from "./emitter";
import { type Conversation, createFeeds, type HistoryPage } from "./feeds";
import type { RealtimeEventName, RealtimeEvents, RealtimeOptions, RealtimeSession } from "./types";

type EventName = keyof ClientEvents;

// The connection's lifecycle (open, renew, reconnect, close) and what it follows (groups, conversations,
// their catch-up) share one socket, one signed-in account and one ordering of after-connect work, so this
// file keeps them in one class at a little under 400 lines; the parts with a job of their own live beside
// it (connection, feeds, changes, emitter).

/**
 * The Socket.IO side of a client. Reconnects with backoff; after a reconnect it rejoins the groups it had
 * joined and reads what every conversation it has seen missed, delivering those messages through the same
 * handlers, in order and without duplicates.
 */
export class Realtime {
  readonly #session: RealtimeSession;
  readonly #options: RealtimeOptions;
  readonly #events = createEmitter<RealtimeEvents>();
  readonly #groups = new Set<number>();
  readonly #feeds = createFeeds({
    history: (conversation, page) => this.#history(conversation, page),
    deliver: (conversation, message) => this.#deliver(conversation, message),
    onError: (error) => this.#events.emit("error", asHestiaError(error)),
    since: () => this.#since,
    classify: (error) => {
      const { code } = asHestiaError(error);
      // A cursor whose message is gone is refused as a bad request; a conversation you may no longer read is not found.
      if (code === "BAD_REQUEST") return "reanchor";
      return code === "NOT_FOUND" || code === "FORBIDDEN" ? "stop" : "retry";
    },
  });
  #socket: HestiaClientSocket | undefined;
  #connecting: Promise<void> | undefined;
  /** Rejects the connection attempt under way, if any (used by disconnect()). */
  #abortOpen: ((error: HestiaError) => void) | undefined;
  #selfId: number | undefined;
  /** The token the signed-in user was last checked for. */
  #checkedToken: string | undefined;
  #hasConnected = false;
  /** Server time of the first connection since connect() (ms), from the `session` event. */
  #since: number | undefined;
  /** After-connect work (account check, rejoin, catch-up) runs one at a time. */
  #resyncing: Promise<void> = Promise.resolve();
  /** Where the client stands in each conversation's changes feed. */
  readonly #changes = createChangeMarks();

  constructor(session: RealtimeSession, options: RealtimeOptions = {}) {
    this.#session = session;
    this.#options = options;
  }

  /** Whether the socket is connected right now. */
  get connected(): boolean {
    return this.#socket?.connected ?? false;
  }

  /** Subscribes to an event; returns a function that unsubscribes. */
  on<K extends RealtimeEventName>(event: K, handler: (payload: RealtimeEvents[K]) => void): () => void {
    return this.#events.on(event, handler);
  }

  off<K extends RealtimeEventName>(event: K, handler: (payload: RealtimeEvents[K]) => void): void {
    this.#events.off(event, handler);
  }

  /**
   * Connects with the client's token. Rejects with HestiaError: UNAUTHORIZED / TOKEN_EXPIRED when the
   * server refuses the token, NETWORK_ERROR when it cannot be reached. Once connected, lost connections
   * are re-established by the SDK until `disconnect()`.
   */
  connect(): Promise<void> {
    if (this.#socket?.connected) return Promise.resolve();
    this.#connecting ??= this.#openRenewing().finally(() => {
      this.#connecting = undefined;
    });
    return this.#connecting;
  }

  /** Opens the connection; a token refused as expired is renewed (when the client can) and tried once more. */
  async #openRenewing(): Promise<void> {
    const token = this.#session.getToken();
    const opened = await this.#open().then(
      () => undefined,
      (error: unknown) => asHestiaError(error),
    );
    if (!opened) return;
    if (opened.code === "TOKEN_EXPIRED" && (await this.#session.renew?.(token))) return this.#open();
    throw opened;
  }

  /**
   * Closes the connection and stops reconnecting; a `connect()` under way rejects. What was followed
   * is kept for the next `connect()`.
   */
  disconnect(): void {
    this.#feeds.pause();
    this.#abortOpen?.(new HestiaError(0, "NETWORK_ERROR", "Disconnected before the connection was established"));
    this.#abortOpen = undefined;
    const socket = this.#socket;
    this.#socket = undefined;
    if (!socket) return;
    const wasConnected = socket.connected;
    socket.removeAllListeners();
    socket.disconnect();
    if (wasConnected) this.#events.emit("disconnected", { reason: "io client disconnect", willReconnect: false });
  }

  /** Receives a group's messages as `newGroupMessage` (members only), also across reconnects. */
  async joinGroup(groupId: number): Promise<void> {
    // Listed before asking: the first message may arrive together with the acknowledgement.
    const known = this.#groups.has(groupId);
    this.#groups.add(groupId);
    try {
      await this.#request("joinGroup", { groupId });
    } catch (error) {
      if (!known) this.#groups.delete(groupId);
      throw error;
    }
    const [latest] = await this.#request("getGroupHistory", { groupId, limit: 1 });
    this.#feeds.follow({ kind: "group", groupId }, latest);
    // A lower bound of the conversation's changes: a catch-up reads from here at worst a few changes twice.
    this.#changes.mark(groupId, latest?.changeSeq ?? 0);
  }

  async leaveGroup(groupId: number): Promise<void> {
    this.#groups.delete(groupId);
    this.#feeds.forget({ kind: "group", groupId });
    this.#changes.forget(groupId);
    await this.#request("leaveGroup", { groupId });
  }

  /** Sends a direct message to a friend; retried with one idempotency key, so it is stored once. */
  async sendDM(input: SendDMInput): Promise<Message> {
    const message = await this.#send("sendDM", input);
    this.#feeds.receive({ kind: "dm", otherId: input.toId }, message);
    return message;
  }

  /** Sends a message to a group; retried with one idempotency key, so it is stored once. */
  async sendGroupMessage(input: SendGroupMessageInput): Promise<Message> {
    const message = await this.#send("sendGroupMessage", input);
    if (this.#groups.has(input.groupId)) this.#feeds.receive({ kind: "group", groupId: input.groupId }, message);
    return message;
  }

  /** A page of direct-message history, oldest first. */
  async dmHistory(query: DMHistoryQuery): Promise<Message[]> {
    const page = await this.#request("getDMHistory", query);
    if (query.before === undefined && query.after === undefined) {
      this.#feeds.follow({ kind: "dm", otherId: query.otherId }, page.at(-1));
      const latest = page.at(-1);
      if (latest) this.#changes.mark(latest.conversationId, latest.changeSeq ?? 0);
    }
    return page;
  }

  /** A page of group history, oldest first (members only). */
  groupHistory(query: GroupHistoryQuery): Promise<Message[]> {
    return this.#request("getGroupHistory", query);
  }

  /**
   * Sends one client event of the contract and resolves with its acknowledgement (HestiaError on a
   * refusal, NETWORK_ERROR when not connected, TIMEOUT without an answer).
   */
  request<E extends EventName>(event: E, payload: EventPayload<E>): Promise<EventAck<E>> {
    return this.#request(event, payload);
  }

  async #open(): Promise<void> {
    this.disconnect();
    this.#since = undefined;
    let aborted: HestiaError | undefined;
    this.#abortOpen = (error) => (aborted = error);
    const token = this.#session.getToken();
    const selfId = await this.#session.selfId();
    if (aborted) throw aborted;
    this.#adoptAccount(selfId, token);
    const socket = createSocket(this.#session, this.#options.socket);
    this.#socket = socket;
    this.#wire(socket);
    await connectSocket(socket, {
      abortable: (abort) => (this.#abortOpen = abort),
      failed: () => {
        if (this.#socket === socket) this.disconnect();
      },
    });
  }

  /** Makes `selfId` the signed-in user; state that belonged to another account is dropped. */
  #adoptAccount(selfId: number, token: string | undefined): void {
    this.#checkedToken = token;
    if (this.#selfId === selfId) return;
    this.#feeds.clear();
    this.#changes.clear();
    this.#groups.clear();
    this.#selfId = selfId;
    this.#hasConnected = false;
  }

  #wire(socket: HestiaClientSocket): void {
    socket.on("connect", () => {
      const reconnected = this.#hasConnected;
      this.#hasConnected = true;
      this.#feeds.resume();
      this.#events.emit("connected", { reconnected });
      this.#resyncing = this.#resyncing
        .then(() => this.#resync(socket))
        .catch((error: unknown) => {
          this.#events.emit("error", asHestiaError(error));
        });
    });
    socket.on("disconnect", (reason) => {
      this.#feeds.pause();
      this.#changes.lost();
      const byClient = reason === "io client disconnect";
      this.#events.emit("disconnected", { reason, willReconnect: !byClient });
      // The server closed this socket (a restart or a shutdown): socket.io-client does not retry on its own.
      if (reason === "io server disconnect") {
        const delay = (this.#options.socket?.reconnectionDelay ?? 500) * (0.5 + Math.random());
        setTimeout(() => {
          if (this.#socket === socket) socket.connect();
        }, delay);
      }
    });
    socket.on("connect_error", (error: Error) => {
      // Network failures are retried by socket.io-client. A refused token is not: an expired one is
      // renewed and the reconnection tried again with the new one; otherwise report it and close, so
      // requests fail at once instead of waiting for a connection that will not come.
      if (!this.#hasConnected || !isErrorBody((error as { data?: unknown }).data)) return;
      const refusal = connectError(error);
      const token = this.#session.getToken();
      void (refusal.code === "TOKEN_EXPIRED" && this.#session.renew ? this.#session.renew(token) : Promise.resolve(false)).then(
        (renewed) => {
          if (this.#socket !== socket) return;
          if (renewed) return void socket.connect();
          this.disconnect();
          this.#events.emit("error", refusal);
        },
      );
    });
    socket.on("resync", () => {
      this.#events.emit("resync", {});
      // The server may have failed to pass on some events (it lost its link to the other processes):
      // read every followed conversation from its last delivered message now, not at the next message.
      this.#resyncing = this.#resyncing
        .then(async () => {
          if (this.#socket !== socket || this.#feeds.size === 0) return;
          this.#changes.lost();
          const messages = await this.#feeds.catchUp();
          const changes = await this.#catchUpChanges();
          this.#events.emit("caughtUp", changes ? { messages, changes } : { messages });
        })
        .catch((error: unknown) => {
          this.#events.emit("error", asHestiaError(error));
        });
    });
    socket.on("newDM", (message) => {
      const otherId = message.userId === this.#selfId ? message.recipientId : message.userId;
      if (otherId !== undefined) this.#feeds.receive({ kind: "dm", otherId }, message);
    });
    socket.on("newGroupMessage", (message) => {
      if (message.groupId !== undefined && this.#groups.has(message.groupId)) {
        this.#feeds.receive({ kind: "group", groupId: message.groupId }, message);
      }
    });
    socket.on("messageUpdated", (event) => {
      this.#changes.mark(event.message.conversationId, event.message.changeSeq);
      this.#events.emit("messageUpdated", event);
    });
    socket.on("messageDeleted", (event) => {
      this.#changes.mark(event.conversationId, event.changeSeq);
      this.#events.emit("messageDeleted", event);
    });
    socket.on("reaction", (event) => {
      this.#changes.mark(event.conversationId, event.changeSeq);
      this.#events.emit("reaction", event);
    });
    for (const event of PASSED_ON) this.#passOn(socket, event);
    socket.on("session", ({ serverTime }) => {
      // Kept across automatic reconnects: conversations first seen later are read from this point.
      this.#since ??= Date.parse(serverTime) - CLOCK_SKEW_MS;
    });
    socket.on("error", (event) => {
      const error = HestiaError.fromBody(event);
      this.#events.emit("error", new HestiaError(error.status, error.code, error.message, { event: event.event }));
    });
  }

  /**
   * After each (re)connection: check the account if the token changed, rejoin groups (so nothing new
   * is missed), then read what every followed conversation missed.
   */
  async #resync(socket: HestiaClientSocket): Promise<void> {
    const live = () => this.#socket === socket && socket.connected;
    const token = this.#session.getToken();
    if (token !== this.#checkedToken) this.#adoptAccount(await this.#session.selfId(), token);
    if (this.#groups.size === 0 && this.#feeds.size === 0) return;
    await Promise.all([...this.#groups].map((groupId) => this.#rejoin(groupId, live)));
    if (!live()) return;
    const messages = await this.#feeds.catchUp();
    const changes = await this.#catchUpChanges();
    this.#events.emit("caughtUp", changes ? { messages, changes } : { messages });
  }

  /** Hands every message changed since the connection was lost to `messageChanged`; answers how many. */
  #catchUpChanges(): Promise<number> {
    const read = this.#session.changes;
    return this.#changes.catchUp(
      read && {
        read,
        changed: (message) => this.#events.emit("messageChanged", message),
        failed: (error) => this.#events.emit("error", error),
        asError: asHestiaError,
      },
    );
  }

  /** Rejoins a group's room, retrying while the connection lasts; a group you left meanwhile is forgotten. */
  async #rejoin(groupId: number, live: () => boolean): Promise<void> {
    for (let attempt = 0; live(); attempt++) {
      try {
        await this.#request("joinGroup", { groupId });
        return;
      } catch (error) {
        const failure = asHestiaError(error);
        if (failure.code === "NOT_FOUND" || failure.code === "FORBIDDEN") {
          this.#groups.delete(groupId);
          this.#feeds.forget({ kind: "group", groupId });
          this.#events.emit("error", failure);
          return;
        }
        if (!failure.retryable || attempt >= 4) {
          this.#events.emit("error", failure);
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 500 * 2 ** attempt));
      }
    }
  }

  #deliver(conversation: Conversation, message: Message): void {
    this.#changes.delivered(message);
    if (conversation.kind === "group") {
      this.#events.emit("newGroupMessage", message);
      return;
    }
    this.#events.emit("newDM", message);
    if (message.userId !== this.#selfId) {
      this.#events.emit("dmNotification", { ...message, senderId: message.userId, senderUsername: message.username });
    }
  }

  #history(conversation: Conversation, page: HistoryPage): Promise<Message[]> {
    return conversation.kind === "dm"
      ? this.#request("getDMHistory", { otherId: conversation.otherId, ...page })
      : this.#request("getGroupHistory", { groupId: conversation.groupId, ...page });
  }

  #passOn<E extends (typeof PASSED_ON)[number]>(socket: HestiaClientSocket, event: E): void {
    const listen = socket.on.bind(socket) as (event: E, listener: (payload: RealtimeEvents[E]) => void) => void;
    listen(event, (payload) => this.#events.emit(event, payload));
  }

  #send<E extends "sendDM" | "sendGroupMessage">(event: E, payload: EventPayload<E>): Promise<EventAck<E>> {
    return sendIdempotent(payload, (keyed) => this.#request(event, keyed), this.#options.retry);
  }

  #request<E extends EventName>(event: E, payload: EventPayload<E>): Promise<EventAck<E>> {
    return request(this.#socket, event, payload, this.#options.ackTimeoutMs ?? 10_000);
  }
}

/** Server events handed to the app as they arrive. */
const PASSED_ON = ["presence", "e2eeCommit", "e2eeWelcome", "e2eeDevices", "readState", "receipt", "typing"] as const;

/** Allowance for server processes whose clocks differ a little. */
const CLOCK_SKEW_MS = 2_000;
