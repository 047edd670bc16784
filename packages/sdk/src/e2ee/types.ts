import type { Endpoint, EndpointInput, EndpointOutput } from "@hestia/contracts";
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
  createdAt: string;
  /** The device that sent it, as its MLS credential (whose signature was verified) names it. */
  sender: { userId: number; deviceId: number; username: string };
}

export interface E2eeEvents {
  /** A message decrypted on this device (never your own device's sends); each once, in order per conversation. */
  message: DecryptedMessage;
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
