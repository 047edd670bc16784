import { z } from "zod";

/** A positive integer id. Path and query parameters arrive as strings and are coerced. */
export const IdSchema = z.coerce.number().int().positive().max(2_147_483_647);

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
