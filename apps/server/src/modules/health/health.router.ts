import { healthContract, type Readiness } from "@hestia/contracts";
import type { Deps } from "../../deps";
import { AppError } from "../../errors";
import { fromContract } from "../../trpc/from-contract";

/** Asks the database and Redis whether they answer, the database within two seconds, Redis within its command timeout. */
async function readiness(deps: Deps): Promise<Readiness> {
  const withinTwoSeconds = <T>(check: Promise<T>) =>
    Promise.race([check, new Promise<never>((_resolve, reject) => setTimeout(() => reject(new Error("timeout")), 2_000).unref())]);
  const [database, redis] = await Promise.all([
    withinTwoSeconds(deps.db.$queryRaw`SELECT 1`).then(
      () => "ok" as const,
      () => "down" as const,
    ),
    deps.redis
      ? withinTwoSeconds(deps.redis.ping()).then(
          (up) => (up ? ("ok" as const) : ("down" as const)),
          () => "down" as const,
        )
      : ("disabled" as const),
  ]);
  const checks = { database, redis };
  if (deps.lifecycle.shuttingDown) throw new AppError("SERVICE_UNAVAILABLE", "Shutting down", { details: checks });
  // Without Redis this process still stores and delivers messages: taking it out of rotation would turn
  // a degraded service into an outage (every process loses Redis at once).
  if (database === "down") throw new AppError("SERVICE_UNAVAILABLE", "Not ready", { details: checks });
  return { status: "ready", checks, degraded: redis === "down" ? ["redis"] : [] };
}

export const healthRouter = {
  check: fromContract(healthContract.check, () => ({ status: "ok" as const, timestamp: new Date().toISOString() })),
  ready: fromContract(healthContract.ready, ({ ctx }) => readiness(ctx.deps)),
};
