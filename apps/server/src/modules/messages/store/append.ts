import type { Message, ReplyPreview } from "@hestia/contracts";
import { type ConversationRef, type MessageBody, type MessageRow, toMessage } from "./message-row";

/** One message to store. */
export interface Append {
  conversation: ConversationRef;
  sender: { id: number; username: string };
  body: MessageBody;
  idempotencyKey?: string;
  /** For an end-to-end encrypted message: the MLS epoch its ciphertext was made in, which must still be the conversation's. */
  epoch?: number;
  /** Members the message mentions (checked and deduplicated by the caller). */
  mentions?: number[];
  /** The message it replies to (checked by the caller: same conversation, not deleted). */
  replyTo?: ReplyPreview;
}

/**
 * What became of one append: stored; a repeat of an idempotency key (the original message); or refused
 * because the conversation is gone (or the sender), its MLS epoch moved on, it takes only encrypted
 * messages, or the key was used in another conversation.
 */
export type AppendOutcome =
  | { status: "stored"; message: Message }
  | { status: "repeat"; message: Message }
  | { status: "refused"; reason: "gone" | "epoch" | "encrypted-only" | "key-in-other-conversation" };

export interface HistoryOptions {
  before?: number;
  after?: number;
  limit?: number;
  /** Who reads the page: reactions say `me` for theirs (without a viewer, reactions are left out). */
  viewerId?: number;
}

/** What a batch writer needs to know of the conversations it writes to, read inside its transaction. */
export interface ConversationState {
  lastSeq: number;
  mlsEpoch: number;
  encrypted: boolean;
  /** The conversation's change counter: each stored message takes the next value. */
  changeSeq: number;
}

/** The columns every message query reads, with the sender's username joined in. */
export const MESSAGE_COLUMNS =
  "`m`.`id`, `m`.`conversationId`, `m`.`seq`, `m`.`senderId`, `m`.`content`, `m`.`ciphertext`, `m`.`encrypted`, `m`.`createdAt`, `m`.`deletedAt`, `m`.`replyToId`, `m`.`editedAt`, `m`.`changeSeq`, `u`.`username`";

/** Whether a stored message answers a repeated append: same sender and key, and the same conversation. */
export function repeatOutcome(row: MessageRow | undefined, input: Append): AppendOutcome | undefined {
  if (!row) return undefined;
  if (row.conversationId !== input.conversation.id) return { status: "refused", reason: "key-in-other-conversation" };
  return { status: "repeat", message: toMessage(row, input.conversation) };
}

/** Why a message cannot be written to a conversation in this state, if it cannot. */
export function refusal(state: ConversationState | undefined, input: Append): AppendOutcome | undefined {
  if (!state) return { status: "refused", reason: "gone" };
  if (input.epoch !== undefined) return state.mlsEpoch === input.epoch ? undefined : { status: "refused", reason: "epoch" };
  return state.encrypted && !input.body.encrypted ? { status: "refused", reason: "encrypted-only" } : undefined;
}

/** The message an append stored, from what was written. */
export function storedMessage(input: Append, id: number, seq: number, createdAt: Date, changeSeq: number): AppendOutcome {
  const { body, sender, conversation } = input;
  const row: MessageRow = {
    id,
    conversationId: conversation.id,
    seq,
    senderId: sender.id,
    content: body.encrypted ? null : body.content,
    ciphertext: body.encrypted ? body.ciphertext : null,
    encrypted: body.encrypted,
    createdAt,
    deletedAt: null,
    changeSeq,
    username: sender.username,
  };
  const message = toMessage(row, conversation);
  if (input.mentions?.length) message.mentions = input.mentions;
  if (input.replyTo) message.replyTo = input.replyTo;
  return { status: "stored", message };
}
