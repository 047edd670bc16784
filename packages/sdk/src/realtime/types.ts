import type { DmNotification, Message, Presence, ServerEventPayload } from "@hestia/contracts";
import type { ManagerOptions, SocketOptions } from "socket.io-client";
import type { HestiaError } from "../errors";
import type { RetryOptions } from "../idempotency";

/** What the application can listen to on `client.realtime`. */
export interface RealtimeEvents {
  /** A direct message you sent or received (each once, in order per conversation, also after reconnects). */
  newDM: Message;
  /** A direct message someone else sent you; delivered together with `newDM`. */
  dmNotification: DmNotification;
  /** A message in a group you joined with `joinGroup`. */
  newGroupMessage: Message;
  /** A friend's status changed. */
  presence: Presence;
  /** An event failed without an acknowledgement, the server refused a reconnect, or a catch-up failed. */
  error: HestiaError;
  /** The socket (re)connected; `reconnected` is false for the first connection. */
  connected: { reconnected: boolean };
  /** The socket lost its connection; unless you called `disconnect()`, the SDK reconnects with backoff. */
  disconnected: { reason: string; willReconnect: boolean };
  /**
   * After a reconnect, every followed conversation was read up to date; `messages` were delivered from
   * history, and `changes` messages that changed meanwhile were handed to `messageChanged`.
   */
  caughtUp: { messages: number; changes?: number };
  /** A message of a conversation of yours was edited: its new state (without reactions, which an edit leaves as they were). */
  messageUpdated: ServerEventPayload<"messageUpdated">;
  /** A message of a conversation of yours was deleted for everyone: it is now a tombstone. */
  messageDeleted: ServerEventPayload<"messageDeleted">;
  /** A member added or took back a reaction (`applyReaction` folds it into a message). */
  reaction: ServerEventPayload<"reaction">;
  /**
   * After a reconnect: the current state of a message that changed while you were away (edited, deleted,
   * reacted to; new messages too), from the changes feed. Replace what you show with it.
   */
  messageChanged: Message;
  /**
   * The server may have failed to pass on some events (it lost its link to the other processes for a
   * while): what you show from the server should be read again. Followed conversations are caught up by the
   * SDK itself (then `caughtUp`), and `client.conversations` re-reads the unread totals.
   */
  resync: Record<string, never>;
  /** An MLS commit was accepted in a conversation of yours (`client.e2ee` handles it). */
  e2eeCommit: ServerEventPayload<"e2eeCommit">;
  /** Devices of yours were added to a conversation's MLS group (`client.e2ee` handles it). */
  e2eeWelcome: ServerEventPayload<"e2eeWelcome">;
  /** A user you share a conversation with added or removed a device (`client.e2ee` handles it). */
  e2eeDevices: ServerEventPayload<"e2eeDevices">;
  /** Your read cursor moved on another device (or over REST): the conversation's unread count. */
  readState: ServerEventPayload<"readState">;
  /** Another member read or received messages (`client.conversations` keeps track). */
  receipt: ServerEventPayload<"receipt">;
  /** Another member started or stopped typing (`client.conversations` keeps track). */
  typing: ServerEventPayload<"typing">;
}

export type RealtimeEventName = keyof RealtimeEvents;

export interface RealtimeOptions {
  /** How long a request waits for its acknowledgement before failing with TIMEOUT (default 10 s). */
  ackTimeoutMs?: number;
  /** How sends are retried (with the same idempotency key) after a TIMEOUT or a lost connection. */
  retry?: Partial<RetryOptions>;
  /** Options passed to socket.io-client (transports, reconnection delays, extra headers ...). */
  socket?: Partial<ManagerOptions & SocketOptions>;
}

/** What the realtime client needs from the client it belongs to. */
export interface RealtimeSession {
  baseUrl: string;
  getToken(): string | undefined;
  /** Renews a token refused as expired; answers whether there is a new one to connect with. */
  renew?(rejected: string | undefined): Promise<boolean>;
  /** The signed-in user's id. */
  selfId(): Promise<number>;
  /** Reads a conversation's changes feed (`GET /conversations/{id}/changes`); without it, reconnects read new messages only. */
  changes?(conversationId: number, page: { after?: number; cursor?: string }): Promise<{ items: Message[]; nextCursor: string | null }>;
}
