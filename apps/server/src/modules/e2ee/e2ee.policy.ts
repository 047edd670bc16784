import type { GroupRole } from "@hestia/contracts";
import type { Db } from "@hestia/db";
import type { Deps } from "../../deps";
import { AppError } from "../../errors";
import { areFriends } from "../friends/friends.policy";
import { requireUser } from "../users/users.policy";

export const deviceNotFound = () => new AppError("NOT_FOUND", "Device not found");
export const conversationNotFound = () => new AppError("NOT_FOUND", "Conversation not found");

export interface DeviceRow {
  id: number;
  userId: number;
  name: string;
  signaturePublicKey: string;
  createdAt: Date;
}

export const deviceSelect = { id: true, userId: true, name: true, signaturePublicKey: true, createdAt: true } as const;

/** One of the actor's devices; anybody else's answers like one that does not exist (404). */
export async function requireOwnDevice(db: Db, actorId: number, deviceId: number): Promise<DeviceRow> {
  const device = await db.device.findUnique({ where: { id: deviceId }, select: deviceSelect });
  if (!device || device.userId !== actorId) throw deviceNotFound();
  return device;
}

/** Whether two users are members of one group, or (`adminOnly`) whether `actorId` administers a group `userId` is in. */
async function shareGroup(db: Db, actorId: number, userId: number, adminOnly = false): Promise<boolean> {
  const row = await db.membership.findFirst({
    where: {
      userId: actorId,
      ...(adminOnly ? { role: { in: ["OWNER", "ADMIN"] } } : {}),
      conversation: { kind: "GROUP", memberships: { some: { userId } } },
    },
    select: { conversationId: true },
  });
  return row !== null;
}

/** Whose devices the actor may list: their own, friends', and those of members of a group they are in. */
export async function requireDeviceViewer(deps: Deps, actorId: number, userId: number): Promise<void> {
  await requireUser(deps.access, userId);
  if (userId === actorId || (await areFriends(deps.access, actorId, userId)) || (await shareGroup(deps.db, actorId, userId))) return;
  throw new AppError("FORBIDDEN", "You can only see the devices of your friends and of members of your groups");
}

/**
 * Whose key packages the actor may claim, that is whom they may add to an MLS group: their own other
 * devices, friends, and members of a group they administer (for those members' new devices).
 */
export async function requireClaimer(deps: Deps, actorId: number, userId: number): Promise<void> {
  await requireUser(deps.access, userId);
  if (userId === actorId || (await areFriends(deps.access, actorId, userId)) || (await shareGroup(deps.db, actorId, userId, true))) return;
  throw new AppError("FORBIDDEN", "You can only claim key packages of your friends and of members of groups you administer");
}

export interface ConversationAccess {
  id: number;
  kind: "DIRECT" | "GROUP";
  directKey: string | null;
  encrypted: boolean;
  mlsEpoch: number;
  /** The actor's role; always MEMBER in a direct conversation. */
  role: GroupRole;
}

/** A conversation (direct or group) the actor is a member of; any other answers like one that does not exist (404). */
export async function requireConversationMember(db: Db, conversationId: number, actorId: number): Promise<ConversationAccess> {
  const membership = await db.membership.findUnique({
    where: { conversationId_userId: { conversationId, userId: actorId } },
    select: { role: true, conversation: { select: { id: true, kind: true, directKey: true, encrypted: true, mlsEpoch: true } } },
  });
  if (!membership) throw conversationNotFound();
  const { conversation } = membership;
  const kind = conversation.kind === "GROUP" ? "GROUP" : "DIRECT";
  return { ...conversation, kind, role: kind === "GROUP" ? (membership.role as GroupRole) : "MEMBER" };
}
