import type {
  Message,
  MessageDeleted,
  MessageUpdated,
  Presence,
  ReactionEvent,
  ReadStateEvent,
  ReceiptEvent,
  TypingEvent,
} from "@hestia/contracts";

/** Who gets an event about a conversation: these users' devices, or the sockets in a group's room but these users'. */
export type Audience = { userIds: number[] } | { groupId: number; exceptUserIds: number[] };

/**
 * Typed fan-out used by services after a write has committed. The Socket.IO implementation lives in
 * socket/broadcaster.ts; tests may inject their own.
 */
export interface Broadcaster {
  /** `newDM` to every device of both parties, `dmNotification` to the recipient's devices. */
  directMessage(message: Message & { recipientId: number }): void;
  /** `newGroupMessage` to the sockets that joined the group. */
  groupMessage(message: Message & { groupId: number }): void;
  /** `e2eeCommit` to every device of these users (a conversation's members): its MLS epoch moved on. */
  e2eeCommit(toUserIds: number[], payload: { conversationId: number; epoch: number }): void;
  /** `e2eeWelcome` to the devices of one user, naming which of them a commit added (only that user's). */
  e2eeWelcome(userId: number, payload: { conversationId: number; deviceIds: number[] }): void;
  /** `e2eeDevices` to every device of these users: a user's device list changed. */
  e2eeDevices(toUserIds: number[], payload: { userId: number }): void;
  /** `messageDeleted` to every device of these users (a conversation's members): a message became a tombstone. */
  messageDeleted(toUserIds: number[], payload: MessageDeleted): void;
  /** `messageUpdated` to every device of these users (a conversation's members): a message was edited. */
  messageUpdated(toUserIds: number[], payload: MessageUpdated): void;
  /** `reaction` to every device of these users (a conversation's members): a reaction was added or taken back. */
  reaction(toUserIds: number[], payload: ReactionEvent): void;
  /** Makes every socket of these users leave the group's room (removal, group deletion). */
  evictFromGroup(groupId: number, userIds: number[]): void;
  /** Disconnects every socket of a user (account deleted). */
  disconnectUser(userId: number): void;
  /** Disconnects every socket of one session (it ended), on every process. */
  disconnectSession(sessionId: number): void;
  /** Tells these users that someone's presence changed. */
  presence(toUserIds: number[], payload: Presence): void;
  /** `readState` to every socket of a user but the one that moved the cursor (if it was a socket). */
  readState(userId: number, payload: ReadStateEvent, exceptSocketId?: string): void;
  /** `receipt`: how far a member read and received, to the conversation's other members. */
  receipt(audience: Audience, payload: ReceiptEvent): void;
  /** `typing`: a member started or stopped typing, to the conversation's other members. */
  typing(audience: Audience, payload: TypingEvent): void;
  /** Which of these users have at least one connected socket (on any process). */
  onlineUserIds(userIds: number[]): Promise<Set<number>>;
}
