import { z } from "zod";

/** The largest id the database can hold (a signed 32-bit integer). */
export const MAX_ID = 2_147_483_647;

/** An id written as text: decimal digits only, no sign, no leading zero, at most 15 digits. */
const ID_TEXT = /^[1-9][0-9]{0,14}$/;

const ID_MESSAGE = "must be an id: a positive integer written in decimal digits";

/**
 * A positive integer id. Path and query parameters arrive as text, socket payloads and JSON bodies as
 * numbers; nothing else is read as an id (no hexadecimal, exponent, sign, fraction, leading zero, boolean
 * or array), so a value means one id only.
 */
export const IdSchema = z
  .union([z.number(), z.string()], { error: ID_MESSAGE })
  .transform((value, context) => {
    const id = typeof value === "number" ? value : ID_TEXT.test(value) ? Number(value) : Number.NaN;
    if (Number.isSafeInteger(id) && id > 0 && id <= MAX_ID) return id;
    context.addIssue({ code: "custom", message: ID_MESSAGE, input: value });
    return z.NEVER;
  })
  .meta({ override: { type: "integer", minimum: 1, maximum: MAX_ID } });

/** An ISO-8601 UTC timestamp string. */
export const TimestampSchema = z.iso.datetime();

/** `{ success: true }`, the answer of commands that have nothing else to say. */
export const SuccessSchema = z.object({ success: z.literal(true) }).meta({ id: "Success" });
export type Success = z.infer<typeof SuccessSchema>;

/** An empty body, for 204 answers and inputs without fields. */
export const EmptySchema = z.object({});

export const PAGE_DEFAULT_LIMIT = 50;
export const PAGE_MAX_LIMIT = 100;

/** Query of a list that can grow without bound: `limit` (default 50, max 100) and an opaque `cursor`. */
export const PageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(PAGE_MAX_LIMIT).default(PAGE_DEFAULT_LIMIT),
  cursor: z.string().min(1).max(200).optional(),
});
export type PageQuery = z.input<typeof PageQuerySchema>;

/** One page of a list: its items, and the cursor of the next page (null on the last). */
export function page<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}
