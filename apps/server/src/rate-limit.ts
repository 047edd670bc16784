import { BurstyRateLimiter, type RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import { AppError } from "./errors";
import { type LimitName, type RateSpec, rateLimitTable } from "./limits";
import type { RedisClient } from "./realtime/redis";

/** Where shared counters live when several processes serve the API. */
export interface RateLimitRedis {
  client: RedisClient;
  prefix: string;
}

/** Anything that counts points per key: one window, or a window with a burst allowance. */
export type Limiter = Pick<RateLimiterAbstract, "consume">;

/**
 * A counter of `points` per `durationSeconds` window and key. With Redis it is shared by every process;
 * while Redis is not ready (or fails) each process counts on its own instead, at once: a send never waits
 * for Redis to come back.
 */
export function createLimiter(keyPrefix: string, points: number, durationSeconds: number, redis?: RateLimitRedis): RateLimiterAbstract {
  const memory = new RateLimiterMemory({ keyPrefix, points, duration: durationSeconds });
  if (!redis) return memory;
  return new RateLimiterRedis({
    storeClient: redis.client,
    useRedisPackage: true,
    rejectIfRedisNotReady: true,
    keyPrefix: `${redis.prefix}:${keyPrefix}`,
    points,
    duration: durationSeconds,
    insuranceLimiter: memory,
  });
}

/** A limit of the table: its window, and its burst allowance drawn on once the window is used up. */
export function createSpecLimiter(keyPrefix: string, spec: RateSpec, redis?: RateLimitRedis): Limiter {
  const steady = createLimiter(keyPrefix, spec.points, spec.seconds, redis);
  if (!spec.burst) return steady;
  return new BurstyRateLimiter(steady, createLimiter(`${keyPrefix}-burst`, spec.burst.points, spec.burst.seconds, redis));
}

/** The refusal for a limit: 429 RATE_LIMITED, with when to retry (Retry-After on REST, retryAfterMs everywhere). */
export function rateLimited(what: string, msBeforeNext: number): AppError {
  const retryAfterMs = Math.max(1, Math.ceil(msBeforeNext));
  return new AppError("RATE_LIMITED", `Too many ${what}; try again in ${Math.ceil(retryAfterMs / 1000)} s`, { retryAfterMs });
}

/** Counts one point for `key`; past the limit throws RATE_LIMITED, naming `what` was too many. */
export async function consumePoint(limiter: Limiter, key: string, what: string): Promise<void> {
  try {
    await limiter.consume(key);
  } catch (error) {
    if (!(error instanceof RateLimiterRes)) throw error;
    throw rateLimited(what, error.msBeforeNext);
  }
}

/** The named per-user limits of `rateLimitTable`. */
export interface Limits {
  /** Counts one for this key (a user id) under the named limit; throws RATE_LIMITED past it. */
  consume(name: LimitName, key: number | string): Promise<void>;
}

/** Every limit of the table with its configured spec, shared through Redis when there is one. */
export function createLimits(specs: Record<LimitName, RateSpec>, redis?: RateLimitRedis): Limits {
  const names = Object.keys(rateLimitTable) as LimitName[];
  const limiters = Object.fromEntries(names.map((name) => [name, createSpecLimiter(`limit-${name}`, specs[name], redis)])) as Record<
    LimitName,
    Limiter
  >;
  return {
    consume: (name, key) => consumePoint(limiters[name], String(key), rateLimitTable[name].what),
  };
}
