import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import { AppError } from "./errors";
import type { RedisClient } from "./realtime/redis";

/** Where shared counters live when several processes serve the API. */
export interface RateLimitRedis {
  client: RedisClient;
  prefix: string;
}

/**
 * A counter of `points` per `durationSeconds` window and key. With Redis it is shared by every process
 * (and while Redis is unreachable, each process falls back to counting on its own).
 */
export function createLimiter(keyPrefix: string, points: number, durationSeconds: number, redis?: RateLimitRedis): RateLimiterAbstract {
  const memory = new RateLimiterMemory({ keyPrefix, points, duration: durationSeconds });
  if (!redis) return memory;
  return new RateLimiterRedis({
    storeClient: redis.client,
    useRedisPackage: true,
    keyPrefix: `${redis.prefix}:${keyPrefix}`,
    points,
    duration: durationSeconds,
    insuranceLimiter: memory,
  });
}

/** Counts one point for `key`; past the limit throws RATE_LIMITED with Retry-After, naming `what` was too many. */
export async function consumePoint(limiter: RateLimiterAbstract, key: string, what: string): Promise<void> {
  try {
    await limiter.consume(key);
  } catch (error) {
    if (!(error instanceof RateLimiterRes)) throw error;
    const retryAfterSeconds = Math.max(1, Math.ceil(error.msBeforeNext / 1000));
    throw new AppError("RATE_LIMITED", `Too many ${what}; try again in ${retryAfterSeconds} s`, { retryAfterSeconds });
  }
}
