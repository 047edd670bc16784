import type { Profile } from "@hestia/contracts";
import type { Actor, Deps, RequestInfo } from "../../deps";
import { PROFILE_COLUMNS, rawToProfile } from "./lean-profile";
import { usernameKey } from "./username";

/** The highest code point: every key that starts with a prefix sorts below prefix + this. */
const AFTER_EVERY_SUFFIX = "\u{10FFFF}";

/**
 * Users whose username starts with `q`, compared as usernames are keyed (case-insensitively, NFKC): a
 * range read of the unique username index. Yourself, suspended accounts and users who blocked you are
 * left out. Counted towards the `userSearch` limit by the router.
 */
export async function searchUsers(deps: Deps, actor: Actor, request: RequestInfo, query: { q: string; limit: number }): Promise<Profile[]> {
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
