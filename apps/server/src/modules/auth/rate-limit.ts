import { consumePoint, createLimiter, type RateLimitRedis } from "../../rate-limit";

export interface AuthRateLimiter {
  /** Counts one attempt for this IP and this username; throws RATE_LIMITED (with Retry-After) past the limit. */
  consume(action: "login" | "register" | "refresh" | "password", ip: string, usernameKey: string): Promise<void>;
  /** Forgets a username's attempts after a successful login. */
  reset(action: "login" | "register" | "refresh" | "password", usernameKey: string): Promise<void>;
}

export interface AuthRateLimitOptions {
  windowSeconds: number;
  perIp: number;
  perUsername: number;
}

/** Login and registration limits per client IP and per username, shared through Redis when there is one. */
export function createAuthRateLimiter(options: AuthRateLimitOptions, redis?: RateLimitRedis): AuthRateLimiter {
  const byIp = createLimiter("auth-ip", options.perIp, options.windowSeconds, redis);
  const byUsername = createLimiter("auth-user", options.perUsername, options.windowSeconds, redis);
  return {
    async consume(action, ip, usernameKey) {
      await consumePoint(byIp, ip, "attempts");
      await consumePoint(byUsername, `${action}:${usernameKey}`, "attempts");
    },
    async reset(action, usernameKey) {
      await byUsername.delete(`${action}:${usernameKey}`);
    },
  };
}
