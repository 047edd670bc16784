import { z } from "zod";
import { EmptySchema, IdSchema, PAGE_DEFAULT_LIMIT, PAGE_MAX_LIMIT, page, TimestampSchema } from "./common";
import { endpoint } from "./endpoint";
import { ContentSchema, MessageSchema, ReactionCountSchema } from "./messages";

/** Most bytes (UTF-8) of one reaction emoji. */
export const EMOJI_MAX_BYTES = 32;
/** Most different emoji one user may put on one message. */
export const REACTIONS_PER_USER_MAX = 20;
/** Shortest and longest search query. */
export const SEARCH_QUERY_MIN = 2;
export const SEARCH_QUERY_MAX = 200;

// Every code point of an emoji grapheme is pictographic or an emoji component (ZWJ, variation selector,
// skin tone, regional indicator, keycap, tag); it holds at least one pictograph, a flag pair or a keycap.
const EMOJI_CODE_POINTS = /^[\p{Extended_Pictographic}\p{Emoji_Component}\p{Emoji_Modifier}]+$/u;
const EMOJI_CORE = /\p{Extended_Pictographic}|\p{Regional_Indicator}{2}|\u20E3/u;
// Made once: building a segmenter costs far more than segmenting a short string with it.
let graphemeSegmenter: Intl.Segmenter | undefined;
const encoder = new TextEncoder();

/** Whether `value` is exactly one emoji grapheme (ZWJ sequences, skin tones and flags included) of at most 32 bytes. */
export function isEmoji(value: string): boolean {
  if (!value || encoder.encode(value).length > EMOJI_MAX_BYTES) return false;
  if (!EMOJI_CODE_POINTS.test(value) || !EMOJI_CORE.test(value)) return false;
  graphemeSegmenter ??= new Intl.Segmenter(undefined, { granularity: "grapheme" });
  const graphemes = [...graphemeSegmenter.segment(value)];
  return graphemes.length === 1;
}

/** Path parameters may reach the schema still percent-encoded; no emoji contains `%`, so decoding is safe. */
function decodePercent(value: string): string {
  if (!value.includes("%")) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** A reaction emoji: one emoji grapheme, at most 32 bytes (percent-encoded in a path). */
export const EmojiSchema = z
  .string()
  .max(200)
  .transform(decodePercent)
  .refine(isEmoji, "emoji must be one emoji (at most 32 bytes)")
  .meta({ override: { type: "string", maxLength: 200 } });

/** `{ reactions }`: a message's reactions after a change, one entry per emoji. */
export const ReactionsSchema = z.object({ reactions: z.array(ReactionCountSchema) }).meta({ id: "Reactions" });
export type Reactions = z.infer<typeof ReactionsSchema>;

/** An earlier version of an edited message. */
export const MessageEditSchema = z.object({ content: z.string(), editedAt: TimestampSchema }).meta({ id: "MessageEdit" });
export type MessageEdit = z.infer<typeof MessageEditSchema>;

const messageId = { id: IdSchema };
const reaction = z.object({ ...messageId, emoji: EmojiSchema });

/** `GET /conversations/{id}/changes`: messages whose `changeSeq` is above `after` (or the `cursor` of the previous page). */
export const ChangesQuerySchema = z.object({
  id: IdSchema,
  after: z.coerce.number().int().min(0).optional(),
  cursor: z
    .string()
    .regex(/^(0|[1-9][0-9]{0,14})$/, "cursor must come from nextCursor")
    .optional(),
  limit: z.coerce.number().int().min(1).max(PAGE_MAX_LIMIT).default(PAGE_DEFAULT_LIMIT),
});
export type ChangesQuery = z.input<typeof ChangesQuerySchema>;

/** `GET /search/messages`. */
export const SearchQuerySchema = z.object({
  q: z.string().trim().min(SEARCH_QUERY_MIN).max(SEARCH_QUERY_MAX),
  conversationId: IdSchema.optional(),
  limit: z.coerce.number().int().min(1).max(PAGE_MAX_LIMIT).default(PAGE_DEFAULT_LIMIT),
  cursor: z.string().min(1).max(200).optional(),
});
export type SearchQuery = z.input<typeof SearchQuerySchema>;

/** Replies, edits, deletion, reactions, the changes feed and search. */
export const lifecycleContract = {
  edit: endpoint({
    method: "PATCH",
    path: "/messages/{id}",
    input: z.object({ ...messageId, content: ContentSchema }),
    output: MessageSchema,
    auth: true,
    summary: "Edit your own plaintext message",
    description: "The earlier text is kept in the edit history; members get `messageUpdated`. A deleted message is 409.",
    tags: ["messages"],
    errors: ["VALIDATION_ERROR", "FORBIDDEN", "NOT_FOUND", "CONFLICT", "RATE_LIMITED"],
  }),
  edits: endpoint({
    method: "GET",
    path: "/messages/{id}/edits",
    input: z.object(messageId),
    output: z.array(MessageEditSchema),
    auth: true,
    summary: "Earlier versions of a message, oldest first (members only)",
    tags: ["messages"],
    errors: ["VALIDATION_ERROR", "NOT_FOUND"],
  }),
  remove: endpoint({
    method: "DELETE",
    path: "/messages/{id}",
    input: z.object(messageId),
    output: EmptySchema,
    successStatus: 204,
    auth: true,
    summary: "Delete a message for everyone (its sender, a group's owner or admins)",
    description:
      "It stays in history as a tombstone (same id and seq, `deletedAt` set, no content); its text, edit history and reactions are erased. Members get `messageDeleted`.",
    tags: ["messages"],
    errors: ["VALIDATION_ERROR", "FORBIDDEN", "NOT_FOUND"],
  }),
  react: endpoint({
    method: "PUT",
    path: "/messages/{id}/reactions/{emoji}",
    input: reaction,
    output: ReactionsSchema,
    auth: true,
    summary: "React to a message with one emoji (idempotent)",
    tags: ["messages"],
    errors: ["VALIDATION_ERROR", "NOT_FOUND", "CONFLICT", "RATE_LIMITED"],
  }),
  unreact: endpoint({
    method: "DELETE",
    path: "/messages/{id}/reactions/{emoji}",
    input: reaction,
    output: ReactionsSchema,
    auth: true,
    summary: "Take back your reaction with one emoji (idempotent)",
    tags: ["messages"],
    errors: ["VALIDATION_ERROR", "NOT_FOUND", "CONFLICT", "RATE_LIMITED"],
  }),
  changes: endpoint({
    method: "GET",
    path: "/conversations/{id}/changes",
    input: ChangesQuerySchema,
    output: page(MessageSchema),
    auth: true,
    summary: "Messages changed after a changeSeq (sent, edited, deleted, reacted to), ascending",
    description: "Each item is the message's current state. Pass `nextCursor` back as `cursor` (or the last `changeSeq` as `after`).",
    tags: ["conversations"],
    errors: ["VALIDATION_ERROR", "NOT_FOUND"],
  }),
  search: endpoint({
    method: "GET",
    path: "/search/messages",
    input: SearchQuerySchema,
    output: page(MessageSchema),
    auth: true,
    summary: "Full-text search over plaintext messages of your conversations, best match first",
    description:
      "Matches words (every word of `q` must start a word of the message), not raw substrings. Covers the conversations you are a member of now; reflects edits; never returns deleted or encrypted messages. Pass `nextCursor` back as `cursor`.",
    tags: ["messages"],
    errors: ["VALIDATION_ERROR", "NOT_FOUND", "RATE_LIMITED"],
  }),
};
