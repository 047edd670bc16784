import { RateLimiterMemory, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
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

export function createAuthRateLimiter(options: AuthRateLimitOptions): AuthRateLimiter {
  const byIp: RateLimiterAbstract = new RateLimiterMemory({
    keyPrefix: "auth-ip",
    points: options.perIp,
    duration: options.windowSeconds,
  });
  const byUsername: RateLimiterAbstract = new RateLimiterMemory({
    keyPrefix: "auth-user",
    points: options.perUsername,
    duration: options.windowSeconds,
  });
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
