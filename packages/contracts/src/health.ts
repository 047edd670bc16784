import { z } from "zod";
import { TimestampSchema } from "./common";
import { endpoint } from "./endpoint";

export const HealthSchema = z.object({ status: z.literal("ok"), timestamp: TimestampSchema }).meta({ id: "Health" });
export type Health = z.infer<typeof HealthSchema>;

export const healthContract = {
  check: endpoint({
    method: "GET",
    path: "/health",
    input: z.object({}),
    output: HealthSchema,
    auth: false,
    summary: "Liveness check",
    tags: ["health"],
    errors: [],
  }),
};
