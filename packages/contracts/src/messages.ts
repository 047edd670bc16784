import { z } from "zod";
import { AttachmentIdsSchema, AttachmentSchema } from "./attachments";
import { IdSchema, TimestampSchema } from "./common";
import { endpoint } from "./endpoint";

export const MESSAGE_MAX_LENGTH = 4000;
/** Longest ciphertext (base64 characters) of an encrypted message. */
export const CIPHERTEXT_MAX_LENGTH = 65_536;
export const HISTORY_DEFAULT_LIMIT = 50;
export const HISTORY_MAX_LIMIT = 100;
/** Most users one message may mention. */
export const MENTIONS_MAX = 50;

/** Message text: trimmed, then 1–4000 characters of any Unicode. */
export const ContentSchema = z
  .string()
  .trim()
  .min(1, "content must not be empty")
  .max(MESSAGE_MAX_LENGTH, `content must be at most ${MESSAGE_MAX_LENGTH} characters`);

/** A client-chosen key (1–64 characters) that makes a retried send return the original message. */
export const IdempotencyKeySchema = z.string().min(1).max(64);

/** What a message that replies to another shows of it: `preview` is its first 200 characters, null when it was deleted or is encrypted. */
export const ReplyPreviewSchema = z
  .object({ id: z.number().int(), userId: z.number().int(), username: z.string(), preview: z.string().nullable() })
  .meta({ id: "ReplyPreview" });
export type ReplyPreview = z.infer<typeof ReplyPreviewSchema>;

/** Characters of the original a reply preview shows. */
export const REPLY_PREVIEW_LENGTH = 200;

/** One emoji on a message: how many users reacted with it, and whether you did. */
export const ReactionCountSchema = z.object({ emoji: z.string(), count: z.number().int(), me: z.boolean() }).meta({ id: "ReactionCount" });
export type ReactionCount = z.infer<typeof ReactionCountSchema>;

/**
 * A stored message. `groupId` is set for group messages, `recipientId` for direct messages;
 * `seq` is its position in the conversation (1, 2, 3 ...).
 */
export const MessageSchema = z
  .object({
    id: z.number().int(),
    content: z.string().nullable(),
    createdAt: TimestampSchema,
    userId: z.number().int(),
    username: z.string(),
    seq: z.number().int(),
    conversationId: z.number().int(),
    groupId: z.number().int().optional(),
    recipientId: z.number().int().optional(),
    encrypted: z.boolean(),
    /** The MLS ciphertext (base64) of an encrypted message; `content` is then null. */
    ciphertext: z.string().optional(),
    /** Set when the message was deleted for everyone: a tombstone, whose `content` is null and which has no ciphertext. */
    deletedAt: TimestampSchema.nullable().optional(),
    /** The users the message mentions (members of its conversation), when it mentions anyone. */
    mentions: z.array(z.number().int()).optional(),
    /** The files the message carries (absent when none). */
    attachments: z.array(AttachmentSchema).optional(),
    /** The message this one replies to, when it replies to one. */
    replyTo: ReplyPreviewSchema.nullable().optional(),
    /** When the text was last edited (earlier versions: `GET /messages/{id}/edits`). */
    editedAt: TimestampSchema.nullable().optional(),
    /** Reactions, one entry per emoji, when there are any (in history, the changes feed and search). */
    reactions: z.array(ReactionCountSchema).optional(),
    /** The conversation's change counter at this message's last change (sent, edited, deleted, reacted to). */
    changeSeq: z.number().int().optional(),
  })
  .meta({ id: "Message" });
export type Message = z.infer<typeof MessageSchema>;

/** An MLS PrivateMessage (base64): the body of an end-to-end encrypted message. */
export const CiphertextSchema = z
  .string()
  .min(4)
  .max(CIPHERTEXT_MAX_LENGTH)
  .regex(/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/, "ciphertext must be base64");

/**
 * What a send carries: the text, or for an end-to-end encrypted message `encrypted: true` and the
 * `ciphertext`; optionally an idempotency key. `target` names the conversation's own fields.
 */
export function sendMessage<T extends z.ZodRawShape>(target: T) {
  return z
    .object({
      ...target,
      // Empty text is allowed only beside attachments (checked below).
      content: ContentSchema.or(z.string().trim().length(0)).optional(),
      encrypted: z.boolean().optional(),
      ciphertext: CiphertextSchema.optional(),
      idempotencyKey: IdempotencyKeySchema.optional(),
      /** Users to mention: members of the conversation, at most 50 (plaintext messages only). */
      mentions: z.array(IdSchema).max(MENTIONS_MAX, `at most ${MENTIONS_MAX} mentions`).optional(),
      /** Ids of the sender's pending uploads to send with the message (then `content` may be left out). */
      attachments: AttachmentIdsSchema.optional(),
      /** The message this one replies to: a message of the same conversation that is not deleted. */
      replyToId: IdSchema.optional(),
    })
    .superRefine((input, ctx) => {
      const { content, encrypted, ciphertext, mentions, attachments } = input as {
        content?: string;
        encrypted?: boolean;
        ciphertext?: string;
        mentions?: number[];
        attachments?: number[];
      };
      if (encrypted === true) {
        if (ciphertext === undefined)
          ctx.addIssue({ code: "custom", path: ["ciphertext"], message: "an encrypted message needs its ciphertext" });
        if (content !== undefined) ctx.addIssue({ code: "custom", path: ["content"], message: "an encrypted message has no content" });
        // The server must not learn who an encrypted message is about: its mentions travel inside the ciphertext.
        if (mentions?.length)
          ctx.addIssue({ code: "custom", path: ["mentions"], message: "an encrypted message carries its mentions inside the ciphertext" });
        if ((input as { replyToId?: number }).replyToId !== undefined)
          ctx.addIssue({ code: "custom", path: ["replyToId"], message: "an encrypted message carries its reply inside the ciphertext" });
      } else {
        if (!attachments?.length) {
          if (content === undefined) ctx.addIssue({ code: "custom", path: ["content"], message: "content is required" });
          else if (content === "") ctx.addIssue({ code: "custom", path: ["content"], message: "content must not be empty" });
        }
        if (ciphertext !== undefined) ctx.addIssue({ code: "custom", path: ["encrypted"], message: "a ciphertext needs encrypted: true" });
      }
    });
}

export const SendMessageSchema = sendMessage({});
export type SendMessage = z.infer<typeof SendMessageSchema>;

const historyFields = {
  before: IdSchema.optional(),
  after: IdSchema.optional(),
  limit: z.coerce.number().int().min(1).max(HISTORY_MAX_LIMIT).default(HISTORY_DEFAULT_LIMIT),
};

/**
 * History paging for one conversation: `limit` (default 50, max 100) and at most one cursor, a message
 * id. No cursor: the latest messages; `before`: the ones just before it; `after`: the ones just after
 * it (catch-up). Every page is ordered oldest first. `target` names the conversation's own fields.
 */
export function historyQuery<T extends z.ZodRawShape>(target: T) {
  return z
    .object({ ...target, ...historyFields })
    .refine((query) => (query as { before?: unknown }).before === undefined || (query as { after?: unknown }).after === undefined, {
      message: "use at most one of before and after",
      path: ["before"],
    });
}

export const HistoryQuerySchema = historyQuery({});
export type HistoryQuery = z.input<typeof HistoryQuerySchema>;

export const messagesContract = {
  directHistory: endpoint({
    method: "GET",
    path: "/messages/direct/{userId}",
    input: historyQuery({ userId: IdSchema }),
    output: z.array(MessageSchema),
    auth: true,
    summary: "Direct-message history with a friend, oldest first",
    tags: ["messages"],
    errors: ["VALIDATION_ERROR", "FORBIDDEN", "NOT_FOUND"],
  }),
  sendDirect: endpoint({
    method: "POST",
    path: "/messages/direct/{userId}",
    input: sendMessage({ userId: IdSchema }),
    output: MessageSchema,
    successStatus: 201,
    auth: true,
    summary: "Send a direct message to a friend",
    tags: ["messages"],
    errors: ["VALIDATION_ERROR", "FORBIDDEN", "NOT_FOUND", "CONFLICT", "RATE_LIMITED"],
  }),
};
