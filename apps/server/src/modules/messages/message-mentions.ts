import type { AccessCache } from "../../cache/access";
import { AppError } from "../../errors";

/**
 * The users a send mentions, each once and in id order, after checking that every one is a member of
 * the conversation (from the membership cache, so a send with mentions costs no extra query).
 */
export async function checkMentions(
  access: AccessCache,
  conversationId: number,
  mentions: number[] | undefined,
): Promise<number[] | undefined> {
  if (!mentions?.length) return undefined;
  const unique = [...new Set(mentions)].sort((a, b) => a - b);
  const memberships = await Promise.all(unique.map((userId) => access.membership(conversationId, userId)));
  if (memberships.some((membership) => membership === null)) {
    throw new AppError("BAD_REQUEST", "mentions must name members of the conversation");
  }
  return unique;
}
