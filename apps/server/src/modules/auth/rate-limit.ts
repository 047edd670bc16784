import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import type { RedisClient } from "../../realtime/redis";
import { AppError } from "../../errors";

export interface AuthRateLimiter {
  /** Counts one attempt for this IP and this username; throws RATE_LIMITED (with Retry-After) past the limit. */
  consume(action: "login" | "register", ip: string, usernameKey: string): Promise<void>;
  /** Forgets a username's attempts after a successful login. */
  reset(action: "login" | "register", usernameKey: string): Promise<void>;
}

export interface AuthRateLimitOptions {
  windowSeconds: number;
  perIp: number;
  perUsername: number;
}

/**
 * Login and registration limits per client IP and per username. With Redis the counters are shared by
 * every process (and while Redis is unreachable, each process falls back to counting on its own).
 */
export function createAuthRateLimiter(options: AuthRateLimitOptions, redis?: { client: RedisClient; prefix: string }): AuthRateLimiter {
  const limiter = (keyPrefix: string, points: number): RateLimiterAbstract => {
    const memory = new RateLimiterMemory({ keyPrefix, points, duration: options.windowSeconds });
    if (!redis) return memory;
    return new RateLimiterRedis({
      storeClient: redis.client,
      useRedisPackage: true,
      keyPrefix: `${redis.prefix}:${keyPrefix}`,
      points,
      duration: options.windowSeconds,
      insuranceLimiter: memory,
    });
  };
  const byIp = limiter("auth-ip", options.perIp);
  const byUsername = limiter("auth-user", options.perUsername);
  return {
    async consume(action, ip, usernameKey) {
      try {
        await byIp.consume(ip);
        await byUsername.consume(`${action}:${usernameKey}`);
      } catch (error) {
        if (!(error instanceof RateLimiterRes)) throw error;
        const retryAfterSeconds = Math.max(1, Math.ceil(error.msBeforeNext / 1000));
        throw new AppError("RATE_LIMITED", `Too many attempts; try again in ${retryAfterSeconds} s`, { retryAfterSeconds });
      }
    },
    async reset(action, usernameKey) {
      await byUsername.delete(`${action}:${usernameKey}`);
    },
  };
}
