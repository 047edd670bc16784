import type { Message, SendMessage } from "@hestia/contracts";
import type { Actor, Deps } from "../../deps";
import { Prisma } from "@hestia/db";
import { GuardRefused, loadHistory, storeAndAnnounce, type HistoryOptions } from "../messages/message-store";
import { groupNotFound, requireMember } from "./groups.policy";

const groupRef = (groupId: number) => ({ id: groupId, kind: "GROUP", directKey: null });

export async function sendGroupMessage(deps: Deps, actor: Actor, groupId: number, input: SendMessage): Promise<Message> {
  try {
    return await storeAndAnnounce(
      deps.db,
      {
        conversation: groupRef(groupId),
        sender: actor,
        content: input.content,
        idempotencyKey: input.idempotencyKey,
        // A member of this group at the moment of writing, checked by the INSERT itself.
        guard: Prisma.sql`EXISTS (SELECT 1 FROM \`Membership\` AS \`m\` JOIN \`Conversation\` AS \`c\` ON \`c\`.\`id\` = \`m\`.\`conversationId\`
          WHERE \`m\`.\`conversationId\` = ${groupId} AND \`m\`.\`userId\` = ${actor.id} AND \`c\`.\`kind\` = 'GROUP')`,
      },
      (message) => {
        deps.broadcaster.groupMessage({ ...message, groupId });
        deps.push.notify(message, { kind: "group", groupId });
      },
    );
  } catch (error) {
    if (error instanceof GuardRefused) throw groupNotFound();
    throw error;
  }
}

export async function groupHistory(deps: Deps, actor: Actor, groupId: number, options: HistoryOptions): Promise<Message[]> {
  await requireMember(deps.db, groupId, actor.id);
  return loadHistory(deps.db, groupRef(groupId), options);
}
