import type { Endpoint, EndpointInput, EndpointOutput, MessageDeleted } from "@hestia/contracts";
import type { EncryptedFileRef } from "../attachments/file-crypto";
import type { HestiaError } from "../errors";
import type { RetryOptions } from "../idempotency";
import type { Realtime } from "../realtime/realtime";
import type { E2eeStorage } from "./storage";

export interface E2eeOptions {
  /** Where this device keeps its keys and group states (see `memoryStorage`, and `fileStorage` from `@hestia/sdk/node`). */
  storage: E2eeStorage;
  /** A name for this device that its user sees in their device list. */
  deviceName?: string;
  /** How many one-time key packages the device keeps on the server (default 20). */
  keyPackages?: number;
}

/** A decrypted message. */
export interface DecryptedMessage {
  id: number;
  seq: number;
  conversationId: number;
  /** Set for group messages. */
  groupId?: number;
  /** Set for direct messages: the other user. */
  peerUserId?: number;
  text: string;
  /** Encrypted files the message carries: fetch and open each with `client.attachments.downloadEncrypted(ref)`. */
  files?: EncryptedFileRef[];
  /** The id of the message this one replies to (as its sender's device named it, inside the ciphertext). */
  replyToId?: number;
  /** The users it mentions, when it mentions anyone; `mentionsMe` when you are one of them. */
  mentions?: number[];
  mentionsMe?: boolean;
  createdAt: string;
  /** When its text was last changed (in `messageUpdated`). */
  editedAt?: string;
  /** The device that sent it, as its MLS credential (whose signature was verified) names it. */
  sender: { userId: number; deviceId: number; username: string };
}

/** `reaction` in an encrypted conversation: a member added or took back an emoji on a message. */
export interface DecryptedReaction {
  conversationId: number;
  messageId: number;
  emoji: string;
  userId: number;
  added: boolean;
  /** The device that reacted, as its MLS credential names it. */
  deviceId: number;
}

export interface E2eeEvents {
  /** A message decrypted on this device (never your own device's sends); each once, in order per conversation. */
  message: DecryptedMessage;
  /**
   * Its sender changed the text of a message (from any of their devices but this one): the message with its
   * new `text` and `editedAt`. Files, reply and mentions stay as they were. Edits by anyone else are ignored.
   */
  messageUpdated: { message: DecryptedMessage };
  /** A message of an encrypted conversation this device is in was deleted for everyone. */
  messageDeleted: MessageDeleted;
  /** A member reacted to a message, or took a reaction back. */
  reaction: DecryptedReaction;
  /** A message could not be decrypted (a replay, a message from before this device joined ...), or background work failed. */
  error: HestiaError;
}

/** What the encryption layer needs from the client it belongs to. */
export interface E2eeSession {
  call<E extends Endpoint>(endpoint: E, input: EndpointInput<E>): Promise<EndpointOutput<E>>;
  /** Revokes every token of the account and keeps a new one for this client. */
  signOutEverywhere(): Promise<void>;
  selfId(): Promise<number>;
  realtime: Realtime;
  retry?: Partial<RetryOptions>;
}
