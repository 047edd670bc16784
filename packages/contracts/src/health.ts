import { z } from "zod";
import { TimestampSchema } from "./common";
import { endpoint } from "./endpoint";

export const HealthSchema = z.object({ status: z.literal("ok"), timestamp: TimestampSchema }).meta({ id: "Health" });
export type Health = z.infer<typeof HealthSchema>;

const CheckSchema = z.enum(["ok", "down", "disabled"]);

/** Readiness: whether this process should get traffic, and the state of what it depends on. */
export const ReadinessSchema = z
  .object({
    status: z.literal("ready"),
    checks: z.object({ database: CheckSchema, redis: CheckSchema }),
    /** What is down without stopping this process from storing and delivering messages (e.g. `redis`). */
    degraded: z.array(z.enum(["redis"])),
  })
  .meta({ id: "Readiness" });
export type Readiness = z.infer<typeof ReadinessSchema>;

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
  ready: endpoint({
    method: "GET",
    path: "/health/ready",
    input: z.object({}),
    output: ReadinessSchema,
    auth: false,
    summary: "Readiness check for load balancers",
    description:
      "200 while this process can store messages (its database answers). Redis being away does not stop it: it is then " +
      "listed in `degraded` (messages are still stored, acknowledged and delivered to this process's sockets; rate limits " +
      "count per process). 503 SERVICE_UNAVAILABLE while the database does not answer or the process shuts down; " +
      "`details` then holds the same `checks`.",
    tags: ["health"],
    errors: ["SERVICE_UNAVAILABLE"],
  }),
};
