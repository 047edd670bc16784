import type { Group, GroupDetails, GroupRole, Membership } from "@hestia/contracts";
import { isUniqueViolation } from "@hestia/db";
import type { Actor, Deps, RequestInfo } from "../../deps";
import { AppError } from "../../errors";
import { profileSelect, toProfile } from "../users/profile";
import { alreadyMember, membershipThroughCommits, requireAddable, requireAdmin, requireMember, requireRemovable } from "./groups.policy";

const groupSelect = {
  id: true,
  name: true,
  description: true,
  isPrivate: true,
  encrypted: true,
  createdAt: true,
  createdById: true,
  _count: { select: { memberships: true } },
} as const;

type GroupRow = {
  id: number;
  name: string | null;
  description: string | null;
  isPrivate: boolean;
  encrypted: boolean;
  createdAt: Date;
  createdById: number | null;
  _count: { memberships: number };
};

function toGroup(row: GroupRow, role: GroupRole): Group {
  return {
    id: row.id,
    name: row.name ?? "",
    description: row.description,
    isPrivate: row.isPrivate,
    encrypted: row.encrypted,
    createdAt: row.createdAt.toISOString(),
    createdById: row.createdById,
    role,
    memberCount: row._count.memberships,
  };
}

function toMembership(row: { conversationId: number; userId: number; role: string; joinedAt: Date }): Membership {
  return { groupId: row.conversationId, userId: row.userId, role: row.role as GroupRole, joinedAt: row.joinedAt.toISOString() };
}

export async function createGroup(
  deps: Deps,
  actor: Actor,
  input: { name: string; description?: string; isPrivate?: boolean; encrypted?: boolean },
): Promise<Group> {
  const row = await deps.db.conversation.create({
    data: {
      kind: "GROUP",
      name: input.name,
      description: input.description ?? null,
      isPrivate: input.isPrivate ?? false,
      encrypted: input.encrypted ?? false,
      createdById: actor.id,
      memberships: { create: { userId: actor.id, role: "OWNER" } },
    },
    select: groupSelect,
  });
  // The id may have been asked about before the group existed.
  await deps.access.changed.membership(row.id, [actor.id]);
  return toGroup(row, "OWNER");
}

export async function listGroups(deps: Deps, actor: Actor): Promise<Group[]> {
  const memberships = await deps.db.membership.findMany({
    where: { userId: actor.id, conversation: { kind: "GROUP" } },
    select: { role: true, conversation: { select: groupSelect } },
    orderBy: { conversationId: "asc" },
  });
  return memberships.map((m) => toGroup(m.conversation, m.role as GroupRole));
}

export async function getGroup(deps: Deps, actor: Actor, request: RequestInfo, groupId: number): Promise<GroupDetails> {
  const { role } = await requireMember(deps.access, groupId, actor.id);
  const row = await deps.db.conversation.findUniqueOrThrow({
    where: { id: groupId },
    select: {
      ...groupSelect,
      memberships: { select: { role: true, joinedAt: true, user: { select: profileSelect } }, orderBy: { joinedAt: "asc" } },
    },
  });
  return {
    ...toGroup(row, role),
    members: row.memberships.map((m) => ({
      ...toProfile(m.user, request.baseUrl),
      role: m.role as GroupRole,
      joinedAt: m.joinedAt.toISOString(),
    })),
  };
}

export async function updateGroup(
  deps: Deps,
  actor: Actor,
  groupId: number,
  patch: { name?: string; description?: string | null; isPrivate?: boolean },
): Promise<Group> {
  const { role } = await requireAdmin(deps.access, groupId, actor.id);
  const row = await deps.db.conversation.update({
    where: { id: groupId },
    data: { name: patch.name, description: patch.description, isPrivate: patch.isPrivate },
    select: groupSelect,
  });
  return toGroup(row, role);
}

export async function deleteGroup(deps: Deps, actor: Actor, groupId: number): Promise<void> {
  const { role } = await requireMember(deps.access, groupId, actor.id);
  if (role !== "OWNER") throw new AppError("FORBIDDEN", "Only the group's owner can delete it");
  const members = await deps.db.membership.findMany({ where: { conversationId: groupId }, select: { userId: true } });
  await deps.db.conversation.delete({ where: { id: groupId } });
  await deps.access.changed.membership(groupId);
  deps.broadcaster.evictFromGroup(
    groupId,
    members.map((m) => m.userId),
  );
}

export async function addMember(deps: Deps, actor: Actor, groupId: number, userId: number): Promise<Membership> {
  const { encrypted } = await requireAdmin(deps.access, groupId, actor.id);
  if (encrypted) throw membershipThroughCommits();
  await requireAddable(deps.access, actor.id, userId);
  try {
    const row = await deps.db.membership.create({ data: { conversationId: groupId, userId, role: "MEMBER" } });
    await deps.inbox.startAtNewest(groupId, [userId]);
    await deps.access.changed.membership(groupId, [userId]);
    return toMembership(row);
  } catch (error) {
    if (isUniqueViolation(error)) throw alreadyMember();
    throw error;
  }
}

/** Removes a member (admins; only the owner removes admins) or, for yourself, leaves. The owner stays. */
export async function removeMember(deps: Deps, actor: Actor, groupId: number, userId: number): Promise<void> {
  const own = await requireMember(deps.access, groupId, actor.id);
  if (own.encrypted && userId !== actor.id) throw membershipThroughCommits();
  const target = userId === actor.id ? own : await findMembership(deps, groupId, userId);
  requireRemovable(actor.id, own.role, { userId, role: target.role });
  await deps.db.membership.deleteMany({ where: { conversationId: groupId, userId } });
  await deps.access.changed.membership(groupId, [userId]);
  deps.broadcaster.evictFromGroup(groupId, [userId]);
}

export async function setRole(deps: Deps, actor: Actor, groupId: number, userId: number, role: "ADMIN" | "MEMBER"): Promise<Membership> {
  const own = await requireMember(deps.access, groupId, actor.id);
  if (own.role !== "OWNER") throw new AppError("FORBIDDEN", "Only the group's owner can change roles");
  const target = await findMembership(deps, groupId, userId);
  if (target.role === "OWNER") throw new AppError("FORBIDDEN", "The owner's role cannot be changed");
  const row = await deps.db.membership.update({
    where: { conversationId_userId: { conversationId: groupId, userId } },
    data: { role },
  });
  await deps.access.changed.membership(groupId, [userId]);
  return toMembership(row);
}

async function findMembership(deps: Deps, groupId: number, userId: number): Promise<{ role: GroupRole }> {
  const row = await deps.db.membership.findUnique({
    where: { conversationId_userId: { conversationId: groupId, userId } },
    select: { role: true },
  });
  if (!row) throw new AppError("NOT_FOUND", "Not a member of this group");
  return { role: row.role as GroupRole };
}
