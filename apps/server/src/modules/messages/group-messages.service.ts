import type { Message, SendMessage } from "@hestia/contracts";
import { Prisma } from "@hestia/db";
import type { Actor, Deps } from "../../deps";
import { AppError } from "../../errors";
import { groupNotFound, requireMember } from "../groups/groups.policy";
import { epochMoved, messageBody } from "./message-body";
import { GuardRefused, type HistoryOptions, loadHistory, storeAndAnnounce } from "./message-store";

const groupRef = (groupId: number) => ({ id: groupId, kind: "GROUP", directKey: null });

export async function sendGroupMessage(deps: Deps, actor: Actor, groupId: number, input: SendMessage): Promise<Message> {
  const { body, epoch } = messageBody(groupId, input);
  // An encrypted group takes only ciphertext, and ciphertext only of its current MLS epoch.
  const accepts = epoch === undefined ? Prisma.sql`\`c\`.\`encrypted\` = 0` : Prisma.sql`\`c\`.\`mlsEpoch\` = ${epoch}`;
  try {
    return await storeAndAnnounce(
      deps.db,
      {
        conversation: groupRef(groupId),
        sender: actor,
        body,
        idempotencyKey: input.idempotencyKey,
        // A member of this group at the moment of writing, checked by the INSERT itself.
        guard: Prisma.sql`EXISTS (SELECT 1 FROM \`Membership\` AS \`m\` JOIN \`Conversation\` AS \`c\` ON \`c\`.\`id\` = \`m\`.\`conversationId\`
          WHERE \`m\`.\`conversationId\` = ${groupId} AND \`m\`.\`userId\` = ${actor.id} AND \`c\`.\`kind\` = 'GROUP' AND ${accepts})`,
      },
      (message) => {
        deps.broadcaster.groupMessage({ ...message, groupId });
        deps.push.notify(message, { kind: "group", groupId });
      },
    );
  } catch (error) {
    if (error instanceof GuardRefused) throw await whyRefused(deps, actor, groupId, epoch);
    throw error;
  }
}

/** Why the INSERT's guard refused a group message: not a member (404), plaintext to an encrypted group, or a stale epoch. */
async function whyRefused(deps: Deps, actor: Actor, groupId: number, epoch: number | undefined): Promise<AppError> {
  const { encrypted } = await requireMember(deps.db, groupId, actor.id);
  if (epoch !== undefined) return epochMoved();
  if (encrypted) return new AppError("BAD_REQUEST", "This group accepts only end-to-end encrypted messages");
  return groupNotFound();
}

export async function groupHistory(deps: Deps, actor: Actor, groupId: number, options: HistoryOptions): Promise<Message[]> {
  await requireMember(deps.db, groupId, actor.id);
  return loadHistory(deps.db, groupRef(groupId), options);
}
