import type { GroupRole } from "@hestia/contracts";
import type { AccessCache } from "../../cache/access";
import { AppError } from "../../errors";
import { areFriends } from "../friends/friends.policy";
import { requireUser } from "../users/users.policy";

export interface GroupMembership {
  conversationId: number;
  role: GroupRole;
  /** The group is end-to-end encrypted. */
  encrypted: boolean;
}

export const groupNotFound = () => new AppError("NOT_FOUND", "Group not found");

/**
 * The actor's membership of a group. A group you are not in answers exactly like one that does not
 * exist (404), and so does the id of a direct conversation.
 */
export async function requireMember(access: AccessCache, groupId: number, userId: number): Promise<GroupMembership> {
  const membership = await access.membership(groupId, userId);
  if (membership?.kind !== "GROUP") throw groupNotFound();
  return { conversationId: groupId, role: membership.role as GroupRole, encrypted: membership.encrypted };
}

/** Membership of an encrypted group follows its MLS group, so it changes only with a commit. */
export const membershipThroughCommits = () =>
  new AppError("CONFLICT", "Membership of an encrypted group changes through an MLS commit (POST /e2ee/conversations/{id}/commits)");

export function isAdmin(role: GroupRole): boolean {
  return role === "OWNER" || role === "ADMIN";
}

export async function requireAdmin(access: AccessCache, groupId: number, userId: number): Promise<GroupMembership> {
  const membership = await requireMember(access, groupId, userId);
  if (!isAdmin(membership.role)) throw new AppError("FORBIDDEN", "Only the group's admins can do this");
  return membership;
}

/** Whom a group admin may add: themselves or a friend (404 for an unknown user, 403 for anyone else). */
export async function requireAddable(access: AccessCache, actorId: number, userId: number): Promise<void> {
  await requireUser(access, userId);
  if (userId !== actorId && !(await areFriends(access, actorId, userId))) {
    throw new AppError("FORBIDDEN", "You can only add your friends");
  }
}

export const alreadyMember = () => new AppError("CONFLICT", "Already a member of this group");

/** Anyone may leave and nobody removes the owner; admins remove members, and only the owner removes admins. */
export function requireRemovable(actorId: number, actorRole: GroupRole, target: { userId: number; role: GroupRole }): void {
  if (target.role === "OWNER") throw new AppError("FORBIDDEN", "The owner cannot be removed; delete the group instead");
  if (target.userId === actorId) return;
  const allowed = actorRole === "OWNER" || (actorRole === "ADMIN" && target.role === "MEMBER");
  if (!allowed) throw new AppError("FORBIDDEN", "Only the group's admins can remove members, and only the owner removes admins");
}
