import type { E2eeConversation, GroupRole } from "@hestia/contracts";
import type { Db } from "@hestia/db";
import type { Actor, Deps } from "../../deps";
import { friendConversation } from "../messages/direct-messages.service";
import { otherParticipant } from "../messages/store/message-row";
import { toDevice } from "./devices.service";
import { conversationNotFound, deviceSelect } from "./e2ee.policy";

/** Where a conversation points for one of its members: its group, or the other user of a direct one. */
export function conversationTarget(
  conversation: { id: number; kind: string; directKey: string | null },
  userId: number,
): { kind: "DIRECT" | "GROUP"; groupId?: number; peerUserId?: number } {
  if (conversation.kind === "GROUP") return { kind: "GROUP", groupId: conversation.id };
  return { kind: "DIRECT", peerUserId: conversation.directKey ? otherParticipant(conversation.directKey, userId) : undefined };
}

/** A conversation's MLS state and its members' devices, as one of its members sees it (404 for anyone else). */
async function conversationView(db: Db, actorId: number, conversationId: number): Promise<E2eeConversation> {
  const row = await db.conversation.findUnique({
    where: { id: conversationId },
    select: {
      id: true,
      kind: true,
      directKey: true,
      encrypted: true,
      mlsEpoch: true,
      memberships: {
        select: { userId: true, role: true, user: { select: { devices: { select: deviceSelect, orderBy: { id: "asc" } } } } },
        orderBy: [{ joinedAt: "asc" }, { userId: "asc" }],
      },
    },
  });
  if (!row?.memberships.some((member) => member.userId === actorId)) throw conversationNotFound();
  const target = conversationTarget(row, actorId);
  return {
    conversationId: row.id,
    ...target,
    epoch: row.mlsEpoch,
    encrypted: row.encrypted,
    members: row.memberships.map((member) => ({
      userId: member.userId,
      role: target.kind === "GROUP" ? (member.role as GroupRole) : "MEMBER",
      devices: member.user.devices.map(toDevice),
    })),
  };
}

/** The direct conversation with a friend, created if needed, with both users' devices. */
export async function directE2eeConversation(deps: Deps, actor: Actor, userId: number): Promise<E2eeConversation> {
  const conversation = await friendConversation(deps, actor, userId);
  return conversationView(deps.db, actor.id, conversation.id);
}

export async function getE2eeConversation(deps: Deps, actor: Actor, conversationId: number): Promise<E2eeConversation> {
  return conversationView(deps.db, actor.id, conversationId);
}
