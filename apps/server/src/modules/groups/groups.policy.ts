import type { GroupRole } from "@hestia/contracts";
import type { Db } from "@hestia/db";
import { AppError } from "../../errors";

export interface GroupMembership {
  conversationId: number;
  role: GroupRole;
}

export const groupNotFound = () => new AppError("NOT_FOUND", "Group not found");

/**
 * The actor's membership of a group. A group you are not in answers exactly like one that does not
 * exist (404), and so does the id of a direct conversation.
 */
export async function requireMember(db: Db, groupId: number, userId: number): Promise<GroupMembership> {
  const membership = await db.membership.findUnique({
    where: { conversationId_userId: { conversationId: groupId, userId } },
    select: { conversationId: true, role: true, conversation: { select: { kind: true } } },
  });
  if (!membership || membership.conversation.kind !== "GROUP") throw groupNotFound();
  return { conversationId: membership.conversationId, role: membership.role as GroupRole };
}

export function isAdmin(role: GroupRole): boolean {
  return role === "OWNER" || role === "ADMIN";
}

export async function requireAdmin(db: Db, groupId: number, userId: number): Promise<GroupMembership> {
  const membership = await requireMember(db, groupId, userId);
  if (!isAdmin(membership.role)) throw new AppError("FORBIDDEN", "Only the group's admins can do this");
  return membership;
}
