import type { ClientEventAck, ClientEvents, CreateGroupSchema, HistoryQuerySchema, UpdateGroupSchema } from "@hestia/contracts";
import type { z } from "zod";

/** Flattens an intersection so editors show one object type. */
type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** The parsed shape of a schema, with its defaulted fields optional again: what a caller passes. */
type Params<S extends z.ZodType, Defaulted extends PropertyKey = never> = Simplify<
  Omit<z.output<S>, Defaulted> & Partial<Pick<z.output<S>, Defaulted & keyof z.output<S>>>
>;

/** A history page: at most one of `before` / `after` (message ids), and `limit` (default 50, max 100). */
export type HistoryQuery = Params<typeof HistoryQuerySchema, "limit">;
/**
 * A message to send: its text, or for an end-to-end encrypted message its MLS ciphertext (what
 * `client.e2ee` sends), and any attachments; an idempotency key is added when none is given.
 */
export type SendInput = (
  | {
      content: string;
      encrypted?: false;
      ciphertext?: undefined /** Members to mention (at most 50). */;
      mentions?: number[];
      /** The message this one replies to (same conversation, not deleted). */
      replyToId?: number;
    }
  | { encrypted: true; ciphertext: string; content?: undefined; mentions?: undefined; replyToId?: undefined }
  // Files need no text.
  | { attachments: number[]; content?: string; encrypted?: false; ciphertext?: undefined; mentions?: number[]; replyToId?: number }
) & {
  idempotencyKey?: string;
  /** Ids of your pending uploads (`client.attachments.upload`) to send with the message, at most 10. */
  attachments?: number[];
};
export type CreateGroupInput = Params<typeof CreateGroupSchema>;
export type UpdateGroupInput = Params<typeof UpdateGroupSchema>;

/** A profile picture: image bytes (Blob, File, Buffer, Uint8Array), an https URL, or null for none. */
export type AvatarInput = Blob | Uint8Array | string | null;

/** What a client → server socket event carries. */
export type EventPayload<E extends keyof ClientEvents> = Params<ClientEvents[E]["payload"], "limit">;
/** What a successful acknowledgement of a socket event carries. */
export type EventAck<E extends keyof ClientEvents> = ClientEventAck<E>;

export type SendDMInput = SendInput & { toId: number };
export type SendGroupMessageInput = SendInput & { groupId: number };
export type DMHistoryQuery = EventPayload<"getDMHistory">;
export type GroupHistoryQuery = EventPayload<"getGroupHistory">;
