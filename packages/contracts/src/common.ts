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
