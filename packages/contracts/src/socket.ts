import { z } from "zod";
import { IdSchema, TimestampSchema } from "./common";
import { DeliveredStateSchema, ReadStateSchema, seqSchema } from "./conversations";
import { type ErrorBody, ErrorBodySchema, ErrorCodeSchema } from "./errors";
import { EmojiSchema, ReactionsSchema } from "./lifecycle";
import { ContentSchema, historyQuery, MessageSchema, sendMessage } from "./messages";
import { UserStatusSchema } from "./users";

/** A client → server event: its payload and what a successful acknowledgement carries. */
export interface ClientEventDefinition<P extends z.ZodType = z.ZodType, A extends z.ZodType = z.ZodType> {
  payload: P;
  ack: A;
  summary: string;
}

/** A server → client event and its payload. */
export interface ServerEventDefinition<P extends z.ZodType = z.ZodType> {
  payload: P;
  summary: string;
}

/** A failed acknowledgement: the same `{ error, code }` as REST error bodies. */
export const SocketAckErrorSchema = ErrorBodySchema;

/** The `error` event, sent when an event failed and the client gave no acknowledgement callback. */
export const SocketErrorEventSchema = z.object({
  error: z.string(),
  code: ErrorCodeSchema,
  event: z.string(),
});
export type SocketErrorEvent = z.infer<typeof SocketErrorEventSchema>;

const OkSchema = z.object({ ok: z.literal(true) });

/** `dmNotification`: the message plus who sent it. */
export const DmNotificationSchema = MessageSchema.extend({ senderId: z.number().int(), senderUsername: z.string() });
export type DmNotification = z.infer<typeof DmNotificationSchema>;

/** `messageDeleted`: which message of which conversation became a tombstone. */
export const MessageDeletedSchema = z.object({
  conversationId: z.number().int(),
  messageId: z.number().int(),
  seq: z.number().int(),
  /** When it was deleted. */
  deletedAt: TimestampSchema.optional(),
  /** The conversation's changeSeq after the deletion. */
  changeSeq: z.number().int().optional(),
});
export type MessageDeleted = z.infer<typeof MessageDeletedSchema>;

/** `reaction`: a member added or took back a reaction. */
export const ReactionEventSchema = z.object({
  conversationId: z.number().int(),
  messageId: z.number().int(),
  emoji: z.string(),
  userId: z.number().int(),
  added: z.boolean(),
  /** The conversation's changeSeq after this change. */
  changeSeq: z.number().int().optional(),
});
export type ReactionEvent = z.infer<typeof ReactionEventSchema>;

/** `messageUpdated`: a message was edited; its new state. */
export const MessageUpdatedSchema = z.object({ message: MessageSchema });
export type MessageUpdated = z.infer<typeof MessageUpdatedSchema>;

/** `presence`: a friend's status changed. */
export const PresenceSchema = z.object({ userId: z.number().int(), status: UserStatusSchema });
export type Presence = z.infer<typeof PresenceSchema>;

/** `markRead` / `markDelivered`: move your cursor in a conversation (forward only, clamped to its newest message). */
const CursorMoveSchema = z.object({ conversationId: IdSchema, seq: seqSchema() });

/** `readState`: your read cursor moved (on another device, or over REST). */
export const ReadStateEventSchema = z.object({
  conversationId: z.number().int(),
  readSeq: z.number().int(),
  unreadCount: z.number().int(),
});
export type ReadStateEvent = z.infer<typeof ReadStateEventSchema>;

/** `receipt`: how far another member has read (null: they or you turned read receipts off) and received. */
export const ReceiptEventSchema = z.object({
  conversationId: z.number().int(),
  userId: z.number().int(),
  readSeq: z.number().int().nullable(),
  deliveredSeq: z.number().int(),
});
export type ReceiptEvent = z.infer<typeof ReceiptEventSchema>;

/** `typing` from the server: a member started or stopped typing; a `typing: true` state ends by itself after `expiresInMs`. */
export const TypingEventSchema = z.object({
  conversationId: z.number().int(),
  userId: z.number().int(),
  typing: z.boolean(),
  expiresInMs: z.number().int(),
});
export type TypingEvent = z.infer<typeof TypingEventSchema>;

/** Client → server events; each accepts an acknowledgement callback as its last argument. */
export const clientEvents = {
  joinGroup: { payload: z.object({ groupId: IdSchema }), ack: OkSchema, summary: "Receive a group's messages (members only)" },
  leaveGroup: { payload: z.object({ groupId: IdSchema }), ack: OkSchema, summary: "Stop receiving a group's messages" },
  sendDM: {
    payload: sendMessage({ toId: IdSchema }),
    ack: MessageSchema,
    summary: "Send a direct message to a friend",
  },
  getDMHistory: { payload: historyQuery({ otherId: IdSchema }), ack: z.array(MessageSchema), summary: "Direct-message history" },
  sendGroupMessage: {
    payload: sendMessage({ groupId: IdSchema }),
    ack: MessageSchema,
    summary: "Send a message to a group",
  },
  getGroupHistory: { payload: historyQuery({ groupId: IdSchema }), ack: z.array(MessageSchema), summary: "Group history" },
  markRead: {
    payload: CursorMoveSchema,
    ack: ReadStateSchema,
    summary: "Mark a conversation read up to a seq (also delivered); your other sockets get readState, the other members receipt",
  },
  markDelivered: { payload: CursorMoveSchema, ack: DeliveredStateSchema, summary: "Mark a conversation's messages up to a seq delivered" },
  editMessage: {
    payload: z.object({ messageId: IdSchema, content: ContentSchema }),
    ack: MessageSchema,
    summary: "Edit your own plaintext message; members get messageUpdated",
  },
  deleteMessage: {
    payload: z.object({ messageId: IdSchema }),
    ack: OkSchema,
    summary: "Delete a message for everyone (its sender, a group's owner or admins); members get messageDeleted",
  },
  react: {
    payload: z.object({ messageId: IdSchema, emoji: EmojiSchema }),
    ack: ReactionsSchema,
    summary: "React to a message with one emoji (idempotent); members get reaction",
  },
  unreact: {
    payload: z.object({ messageId: IdSchema, emoji: EmojiSchema }),
    ack: ReactionsSchema,
    summary: "Take back a reaction (idempotent); members get reaction",
  },
  typing: {
    payload: z.object({ conversationId: IdSchema, typing: z.boolean() }),
    ack: OkSchema,
    summary: "Tell the other members you are typing (or stopped); not stored, at most one broadcast every 2 s",
  },
} satisfies Record<string, ClientEventDefinition>;

/** Server → client events. */
export const serverEvents = {
  session: {
    payload: z.object({ userId: z.number().int(), serverTime: TimestampSchema }),
    summary: "Sent first on every connection: who you are, and the server's clock (messages created after it are new to you)",
  },
  newDM: { payload: MessageSchema, summary: "A direct message, to every device of sender and recipient" },
  dmNotification: { payload: DmNotificationSchema, summary: "A direct message, to the recipient's devices" },
  newGroupMessage: { payload: MessageSchema, summary: "A group message, to sockets that joined the group" },
  e2eeCommit: {
    payload: z.object({ conversationId: z.number().int(), epoch: z.number().int() }),
    summary: "An MLS commit was accepted: the conversation is now at `epoch`, to its members' devices",
  },
  e2eeWelcome: {
    payload: z.object({ conversationId: z.number().int(), deviceIds: z.array(z.number().int()) }),
    summary: "Devices of yours were added to a conversation's MLS group: fetch their welcomes",
  },
  e2eeDevices: {
    payload: z.object({ userId: z.number().int() }),
    summary: "Someone you share a conversation with (or you) added or removed a device: groups with them need a commit",
  },
  messageDeleted: {
    payload: MessageDeletedSchema,
    summary: "A message was deleted for everyone: it stays in history as a tombstone (to the conversation's members' devices)",
  },
  messageUpdated: { payload: MessageUpdatedSchema, summary: "A message was edited: its new state, to the conversation's members' devices" },
  reaction: { payload: ReactionEventSchema, summary: "A member added or took back a reaction, to the conversation's members' devices" },
  presence: { payload: PresenceSchema, summary: "A friend went online or offline or changed status" },
  readState: {
    payload: ReadStateEventSchema,
    summary: "Your read cursor moved on another device (or over REST): the conversation's unread count",
  },
  receipt: {
    payload: ReceiptEventSchema,
    summary: "Another member read or received messages (bursts may be coalesced; the last state always arrives)",
  },
  typing: { payload: TypingEventSchema, summary: "Another member started or stopped typing" },
  error: { payload: SocketErrorEventSchema, summary: "An event without an acknowledgement callback failed" },
  shutdown: {
    payload: z.object({ reconnectAfterMs: z.number().int() }),
    summary: "This server process is shutting down: the connection closes next; reconnect (to another process) after the hint",
  },
  resync: {
    payload: z.object({ conversationIds: z.array(z.number().int()).optional() }),
    summary:
      "This socket may have missed events (the server lost and regained its link to the other processes): read the history of these conversations (all of them when absent) after the last message you have",
  },
} satisfies Record<string, ServerEventDefinition>;

export type ClientEvents = typeof clientEvents;
export type ServerEvents = typeof serverEvents;

/** What a server → client event carries. */
export type ServerEventPayload<K extends keyof ServerEvents> = z.output<ServerEvents[K]["payload"]>;
/** What a client → server event carries (before the server applies defaults). */
export type ClientEventPayload<K extends keyof ClientEvents> = z.input<ClientEvents[K]["payload"]>;
/** What a successful acknowledgement of a client → server event carries. */
export type ClientEventAck<K extends keyof ClientEvents> = z.output<ClientEvents[K]["ack"]>;

/**
 * Every server → client event as Socket.IO's typed-event map: a client's `Socket<ServerToClientEvents,
 * ClientToServerEvents>` listens with these, a server's emits with them.
 */
export type ServerToClientEvents = { [K in keyof ServerEvents]: (payload: ServerEventPayload<K>) => void };

/** Every client → server event as Socket.IO's typed-event map: the payload, then the acknowledgement callback. */
export type ClientToServerEvents = {
  [K in keyof ClientEvents]: (payload: ClientEventPayload<K>, ack: (response: ClientEventAck<K> | ErrorBody) => void) => void;
};

/**
 * Client → server events as a server receives them: untrusted arguments, each payload parsed against
 * its schema before use.
 */
export type UntrustedClientToServerEvents = { [K in keyof ClientEvents]: (...args: unknown[]) => void };
