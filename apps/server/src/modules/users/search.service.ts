import type { Profile } from "@hestia/contracts";
import type { Actor, Deps, RequestInfo } from "../../deps";
import { consumePoint, createLimiter, type RateLimitRedis } from "../../rate-limit";
import { PROFILE_COLUMNS, rawToProfile } from "./lean-profile";
import { usernameKey } from "./username";

export interface UserSearchLimiter {
  /** Counts one search by this user; throws RATE_LIMITED (with Retry-After) past the limit. */
  consume(userId: number): Promise<void>;
}

/** Searches per user and minute (shared through Redis when there is one): enough to search as you type, too few to list every account. */
export function createUserSearchLimiter(perMinute: number, redis?: RateLimitRedis): UserSearchLimiter {
  const limiter = createLimiter("user-search", perMinute, 60, redis);
  return { consume: (userId) => consumePoint(limiter, String(userId), "searches") };
}

/** The highest code point: every key that starts with a prefix sorts below prefix + this. */
const AFTER_EVERY_SUFFIX = "\u{10FFFF}";

/**
 * Users whose username starts with `q`, compared as usernames are keyed (case-insensitively, NFKC): a
 * range read of the unique username index. Yourself, suspended accounts and users who blocked you are
 * left out.
 */
export async function searchUsers(deps: Deps, actor: Actor, request: RequestInfo, query: { q: string; limit: number }): Promise<Profile[]> {
  await deps.userSearchLimiter.consume(actor.id);
  const prefix = usernameKey(query.q);
  const rows = await deps.lean.all<Parameters<typeof rawToProfile>[0]>(
    `SELECT ${PROFILE_COLUMNS} FROM \`User\` AS \`u\`
     WHERE \`u\`.\`usernameKey\` >= ? AND \`u\`.\`usernameKey\` < ? AND \`u\`.\`id\` <> ? AND \`u\`.\`suspendedAt\` IS NULL
       AND NOT EXISTS (SELECT 1 FROM \`Block\` AS \`b\` WHERE \`b\`.\`blockerId\` = \`u\`.\`id\` AND \`b\`.\`blockedId\` = ?)
     ORDER BY \`u\`.\`usernameKey\` LIMIT ?`,
    [prefix, prefix + AFTER_EVERY_SUFFIX, actor.id, actor.id, query.limit],
  );
  return rows.map((row) => rawToProfile(row, request.baseUrl));
}
