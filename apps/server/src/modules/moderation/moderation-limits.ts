import { EXPORTS_PER_HOUR, REPORTS_PER_HOUR } from "@hestia/contracts";
import { consumePoint, createLimiter, type RateLimitRedis } from "../../rate-limit";

export interface ModerationLimits {
  /** Counts one new report by this user; throws RATE_LIMITED (with Retry-After) past the limit. */
  report(userId: number): Promise<void>;
  /** Counts one data export by this user; throws RATE_LIMITED (with Retry-After) past the limit. */
  export(userId: number): Promise<void>;
}

/**
 * Per user and hour, shared through Redis when there is one: reports, so that nobody floods the
 * moderators' queue, and exports, each of which reads a user's whole history.
 */
export function createModerationLimits(redis?: RateLimitRedis): ModerationLimits {
  const reports = createLimiter("reports", REPORTS_PER_HOUR, 3600, redis);
  const exports = createLimiter("exports", EXPORTS_PER_HOUR, 3600, redis);
  return {
    report: (userId) => consumePoint(reports, String(userId), "reports"),
    export: (userId) => consumePoint(exports, String(userId), "exports"),
  };
}
