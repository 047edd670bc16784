import { consumePoint, createLimiter, type RateLimitRedis } from "../../rate-limit";

export interface KeyPackageClaimLimiter {
  /** Counts one claim by this user; throws RATE_LIMITED (with Retry-After) past the limit. */
  consume(userId: number): Promise<void>;
}

/**
 * Claims per user and minute. Each claim uses up other people's one-time key packages, so a client
 * claiming in a loop would drain them: this keeps that slow (shared through Redis when there is one).
 */
export function createKeyPackageClaimLimiter(perMinute: number, redis?: RateLimitRedis): KeyPackageClaimLimiter {
  const limiter = createLimiter("e2ee-claim", perMinute, 60, redis);
  return {
    consume: (userId) => consumePoint(limiter, String(userId), "key-package claims"),
  };
}
