import type { Commit, GroupRole } from "@hestia/contracts";
import { isForeignKeyViolation, isUniqueViolation } from "@hestia/db";
import type { AccessCache } from "../../cache/access";
import type { Actor, Deps } from "../../deps";
import { AppError } from "../../errors";
import { transact } from "../../transaction";
import { alreadyMember, isAdmin, requireAddable, requireRemovable } from "../groups/groups.policy";
import { type ConversationAccess, requireConversationMember } from "./e2ee.policy";
import { checkCommit, checkWelcome } from "./mls-wire";

export interface CommitRequest {
  conversationId: number;
  deviceId: number;
  epoch: number;
  commit: string;
  welcome?: { data: string; deviceIds: number[] };
  members?: { add: number[]; remove: number[] };
}

const invalid = (message: string) => new AppError("VALIDATION_ERROR", message);

/**
 * Checks the server-side membership changes that go with a commit of an encrypted group, by the rules
 * of the plain group endpoints: admins add their friends, nobody removes the owner, only the owner
 * removes admins. Resolves with the user ids that are members once they apply.
 */
async function membershipAfter(
  access: AccessCache,
  actor: Actor,
  conversation: ConversationAccess,
  members: { userId: number; role: GroupRole }[],
  changes: { add: number[]; remove: number[] },
): Promise<Set<number>> {
  const after = new Set(members.map((member) => member.userId));
  if (conversation.kind !== "GROUP" || !conversation.encrypted) {
    throw new AppError("BAD_REQUEST", "Only the members of an encrypted group change with a commit");
  }
  if (!isAdmin(conversation.role)) throw new AppError("FORBIDDEN", "Only the group's admins can do this");
  const both = changes.add.find((userId) => changes.remove.includes(userId));
  if (both !== undefined) throw invalid(`members: user ${both} is both added and removed`);
  for (const userId of new Set(changes.add)) {
    await requireAddable(access, actor.id, userId);
    if (after.has(userId)) throw alreadyMember();
    after.add(userId);
  }
  for (const userId of new Set(changes.remove)) {
    const target = members.find((member) => member.userId === userId);
    if (!target) throw new AppError("NOT_FOUND", `User ${userId} is not a member of this group`);
    if (userId === actor.id) throw new AppError("BAD_REQUEST", "A commit cannot remove its own author: leave the group instead");
    requireRemovable(actor.id, conversation.role, target);
    after.delete(userId);
  }
  return after;
}

/**
 * Publishes the MLS commit of the conversation's current epoch, with its welcome and (encrypted groups)
 * the matching membership changes, all in one transaction. Exactly one commit is accepted per epoch:
 * the epoch moves on by compare-and-set, and whoever comes second gets a 409 and must apply the winner's
 * commit first. Members are told once it is stored.
 */
export async function publishCommit(deps: Deps, actor: Actor, input: CommitRequest): Promise<{ epoch: number; afterMessageId: number }> {
  const { conversationId, epoch } = input;
  const conversation = await requireConversationMember(deps.db, conversationId, actor.id);
  const device = await deps.db.device.findUnique({ where: { id: input.deviceId }, select: { userId: true } });
  if (device?.userId !== actor.id) throw invalid("deviceId is not a device of yours");
  checkCommit(input.commit, { conversationId, epoch });
  if (input.welcome) checkWelcome(input.welcome.data);

  const members = (await deps.db.membership.findMany({ where: { conversationId }, select: { userId: true, role: true } })).map(
    (member) => ({ userId: member.userId, role: member.role as GroupRole }),
  );
  const changes = { add: [...new Set(input.members?.add ?? [])], remove: [...new Set(input.members?.remove ?? [])] };
  const after = input.members
    ? await membershipAfter(deps.access, actor, conversation, members, changes)
    : new Set(members.map((member) => member.userId));

  const welcomed = new Map<number, number[]>();
  if (input.welcome) {
    const deviceIds = [...new Set(input.welcome.deviceIds)];
    const devices = await deps.db.device.findMany({ where: { id: { in: deviceIds } }, select: { id: true, userId: true } });
    for (const deviceId of deviceIds) {
      const owner = devices.find((row) => row.id === deviceId)?.userId;
      if (owner === undefined || !after.has(owner)) throw invalid(`welcome.deviceIds: ${deviceId} is not a device of a member`);
      welcomed.set(owner, [...(welcomed.get(owner) ?? []), deviceId]);
    }
  }

  const result = await transact(deps.db, async (tx) => {
    const { count } = await tx.conversation.updateMany({
      where: { id: conversationId, mlsEpoch: epoch },
      data: { mlsEpoch: { increment: 1 } },
    });
    if (count === 0) {
      const current = await tx.conversation.findUnique({ where: { id: conversationId }, select: { mlsEpoch: true } });
      if (current && current.mlsEpoch < epoch)
        return new AppError("CONFLICT", `The conversation is at epoch ${current.mlsEpoch}, not ${epoch}`);
      return new AppError("CONFLICT", "Another commit was accepted for this epoch: apply it and try again");
    }
    // Read after the epoch moved: every message of the new epoch is written after this and so has a larger id.
    const newest = await tx.message.aggregate({ where: { conversationId }, _max: { id: true } });
    const afterMessageId = newest._max.id ?? 0;
    await tx.mlsCommit.create({ data: { conversationId, epoch, deviceId: input.deviceId, data: input.commit, afterMessageId } });
    if (input.welcome) {
      const data = input.welcome.data;
      const rows = [...welcomed.values()].flat().map((deviceId) => ({ deviceId, conversationId, epoch: epoch + 1, data, afterMessageId }));
      await tx.mlsWelcome.createMany({ data: rows });
    }
    if (changes.add.length) {
      await tx.membership.createMany({ data: changes.add.map((userId) => ({ conversationId, userId, role: "MEMBER" })) });
    }
    if (changes.remove.length) {
      await tx.membership.deleteMany({ where: { conversationId, userId: { in: changes.remove } } });
      await tx.mlsWelcome.deleteMany({ where: { conversationId, device: { userId: { in: changes.remove } } } });
    }
    return { epoch: epoch + 1, afterMessageId };
  }).catch((error: unknown) => {
    // A device, member or the conversation itself went away (or a member was added) since the checks above.
    if (isForeignKeyViolation(error) || isUniqueViolation(error)) {
      throw new AppError(
        "CONFLICT",
        "The conversation changed while the commit was being stored (its epoch may have moved): apply the new commits and try again",
      );
    }
    throw error;
  });

  await deps.inbox.startAtNewest(conversationId, changes.add);
  if (changes.add.length || changes.remove.length)
    await deps.access.changed.membership(conversationId, [...changes.add, ...changes.remove]);
  deps.broadcaster.e2eeCommit([...after], { conversationId, epoch: result.epoch });
  for (const [userId, deviceIds] of welcomed) deps.broadcaster.e2eeWelcome(userId, { conversationId, deviceIds });
  if (changes.remove.length) deps.broadcaster.evictFromGroup(conversationId, changes.remove);
  return result;
}

/** Commits made in `fromEpoch` and later, oldest first: how a member catches up (members only). */
export async function listCommits(
  deps: Deps,
  actor: Actor,
  input: { conversationId: number; fromEpoch: number; limit: number },
): Promise<Commit[]> {
  await requireConversationMember(deps.db, input.conversationId, actor.id);
  const rows = await deps.db.mlsCommit.findMany({
    where: { conversationId: input.conversationId, epoch: { gte: input.fromEpoch } },
    orderBy: { epoch: "asc" },
    take: input.limit,
    select: { epoch: true, deviceId: true, data: true, createdAt: true },
  });
  return rows.map((row) => ({ epoch: row.epoch, deviceId: row.deviceId, commit: row.data, createdAt: row.createdAt.toISOString() }));
}
