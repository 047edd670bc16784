import { z } from "zod";
import { IdSchema, PageQuerySchema, page, TimestampSchema } from "./common";
import { endpoint } from "./endpoint";
import { GroupRoleSchema } from "./groups";
import { historyQuery, MessageSchema } from "./messages";
import { ProfileSchema } from "./users";

/**
 * The inbox: every conversation you are in (direct and group) with its last message, your unread and
 * mention counts, how far you have read, and your mute setting; read and delivered cursors; receipts.
 */

export const ConversationKindSchema = z.enum(["DIRECT", "GROUP"]).meta({ id: "ConversationKind" });
export type ConversationKind = z.infer<typeof ConversationKindSchema>;

/**
 * A seq of a conversation (0: before its first message). A new schema per use: the REST layer marks the
 * schemas of its inputs as coercing, which must not leak into socket payloads.
 */
export const seqSchema = () => z.number().int().min(0).max(2_147_483_647);

/**
 * `true` or `false` and nothing else. REST inputs coerce plain booleans (`"false"` would become true), so
 * flags in request bodies are spelled as literals.
 */
export const flagSchema = () => z.union([z.literal(true), z.literal(false)]);

/** What the inbox says of one conversation, for you. */
export const ConversationSummarySchema = z
  .object({
    id: z.number().int(),
    kind: ConversationKindSchema,
    /** Messages are end-to-end encrypted: the server knows their seq numbers, never their content. */
    encrypted: z.boolean(),
    /** For groups: the group, your role in it and how many members it has. */
    group: z.object({ id: z.number().int(), name: z.string(), memberCount: z.number().int(), role: GroupRoleSchema }).optional(),
    /** For direct conversations: the other user (absent once their account is deleted). */
    peer: ProfileSchema.optional(),
    /** The newest message (a deleted one as its tombstone), or null before anyone wrote. */
    lastMessage: MessageSchema.nullable(),
    /** When the last message was sent, or when you joined, whichever is later: the inbox is ordered by it. */
    lastActivityAt: TimestampSchema,
    /** Messages from others above your `readSeq`, deleted ones excluded. */
    unreadCount: z.number().int(),
    /** Those unread messages that mention you. */
    mentionCount: z.number().int(),
    /** You have read every message up to this seq. */
    readSeq: z.number().int(),
    /** Every message up to this seq reached one of your devices. */
    deliveredSeq: z.number().int(),
    /** The seq of the newest message ever stored here (0 before the first). */
    lastSeq: z.number().int(),
    /** No push for this conversation (except for mentions of you) while true. */
    muted: z.boolean(),
    /** The end of a timed mute, while it lasts; null when the mute has no end or there is none. */
    mutedUntil: TimestampSchema.nullable(),
    /** The conversation's change counter (new messages so far; edits, deletions and reactions bump it too once they exist). */
    changeSeq: z.number().int(),
  })
  .meta({ id: "ConversationSummary" });
export type ConversationSummary = z.infer<typeof ConversationSummarySchema>;

/** Mute settings: `muted: true` mutes until further notice, `mutedUntil` until a time; `muted: false` unmutes. */
export function conversationSettings<T extends z.ZodRawShape>(target: T) {
  return z
    .object({
      ...target,
      muted: flagSchema().optional(),
      mutedUntil: TimestampSchema.nullable().optional(),
    })
    .superRefine((input, ctx) => {
      const { muted, mutedUntil } = input as { muted?: boolean; mutedUntil?: string | null };
      if (muted === undefined && mutedUntil === undefined)
        ctx.addIssue({ code: "custom", path: ["muted"], message: "set muted or mutedUntil" });
      if (muted === false && mutedUntil)
        ctx.addIssue({ code: "custom", path: ["mutedUntil"], message: "muted: false cannot have a mutedUntil" });
    });
}

export const ConversationSettingsInputSchema = conversationSettings({});
export type ConversationSettingsInput = z.input<typeof ConversationSettingsInputSchema>;

/** A read cursor after a move: yours, and how many messages remain unread. */
export const ReadStateSchema = z.object({ readSeq: z.number().int(), unreadCount: z.number().int() }).meta({ id: "ReadState" });
export type ReadState = z.infer<typeof ReadStateSchema>;

export const DeliveredStateSchema = z.object({ deliveredSeq: z.number().int() }).meta({ id: "DeliveredState" });
export type DeliveredState = z.infer<typeof DeliveredStateSchema>;

/** How far another member has read and received; `readSeq` is null when they (or you) turned read receipts off. */
export const ReceiptSchema = z
  .object({ userId: z.number().int(), readSeq: z.number().int().nullable(), deliveredSeq: z.number().int() })
  .meta({ id: "Receipt" });
export type Receipt = z.infer<typeof ReceiptSchema>;

/** Your unread messages across every conversation (what push notifications show as the badge). */
export const UnreadTotalSchema = z.object({ unreadCount: z.number().int(), mentionCount: z.number().int() }).meta({ id: "UnreadTotal" });
export type UnreadTotal = z.infer<typeof UnreadTotalSchema>;

const conversationId = { id: IdSchema };
const cursorMove = z.object({ ...conversationId, seq: seqSchema() });

export const conversationsContract = {
  list: endpoint({
    method: "GET",
    path: "/conversations",
    input: PageQuerySchema,
    output: page(ConversationSummarySchema),
    auth: true,
    summary: "Your conversations (direct and group), most recent activity first",
    description:
      "A direct conversation is listed once it holds a message, a group from the moment you are a member. " +
      "Pass `nextCursor` back as `cursor` for the next page.",
    tags: ["conversations"],
    errors: ["VALIDATION_ERROR", "BAD_REQUEST"],
  }),
  get: endpoint({
    method: "GET",
    path: "/conversations/{id}",
    input: z.object(conversationId),
    output: ConversationSummarySchema,
    auth: true,
    summary: "One conversation's summary (members only)",
    tags: ["conversations"],
    errors: ["NOT_FOUND"],
  }),
  messages: endpoint({
    method: "GET",
    path: "/conversations/{id}/messages",
    input: historyQuery(conversationId),
    output: z.array(MessageSchema),
    auth: true,
    summary: "A conversation's history, direct or group, oldest first (members only)",
    tags: ["conversations", "messages"],
    errors: ["VALIDATION_ERROR", "BAD_REQUEST", "NOT_FOUND"],
  }),
  settings: endpoint({
    method: "PATCH",
    path: "/conversations/{id}/settings",
    input: conversationSettings(conversationId),
    output: ConversationSummarySchema,
    auth: true,
    summary: "Mute or unmute a conversation for yourself",
    description:
      "`muted: true` mutes until you unmute, `mutedUntil` until that time, `muted: false` (or `mutedUntil: null`) unmutes. " +
      "A muted conversation sends you no push notifications, except for messages that mention you.",
    tags: ["conversations"],
    errors: ["VALIDATION_ERROR", "NOT_FOUND"],
  }),
  read: endpoint({
    method: "POST",
    path: "/conversations/{id}/read",
    input: cursorMove,
    output: ReadStateSchema,
    auth: true,
    summary: "Mark the conversation read up to a seq (also marks it delivered)",
    description:
      "Cursors only move forward: a lower seq changes nothing and answers the current state; a seq past the newest " +
      "message is taken as the newest. Your other devices get `readState`, the other members `receipt`.",
    tags: ["conversations"],
    errors: ["VALIDATION_ERROR", "NOT_FOUND"],
  }),
  delivered: endpoint({
    method: "POST",
    path: "/conversations/{id}/delivered",
    input: cursorMove,
    output: DeliveredStateSchema,
    auth: true,
    summary: "Mark the conversation's messages up to a seq as delivered to you",
    tags: ["conversations"],
    errors: ["VALIDATION_ERROR", "NOT_FOUND"],
  }),
  receipts: endpoint({
    method: "GET",
    path: "/conversations/{id}/receipts",
    input: z.object(conversationId),
    output: z.array(ReceiptSchema),
    auth: true,
    summary: "How far each other member has read and received (members only)",
    tags: ["conversations"],
    errors: ["NOT_FOUND"],
  }),
  unread: endpoint({
    method: "GET",
    path: "/users/me/unread",
    input: z.object({}),
    output: UnreadTotalSchema,
    auth: true,
    summary: "Your unread messages and mentions across every conversation",
    tags: ["conversations"],
    errors: [],
  }),
};
