import type { Message, SendMessage } from "@hestia/contracts";
import type { Actor, Deps } from "../../deps";
import { appendWithAttachments, listAttachments } from "../attachments/attachments.service";
import { groupNotFound, requireMember } from "../groups/groups.policy";
import { badCursor } from "./direct-messages.service";
import { resolveReply } from "./message-access";
import { messageBody } from "./message-body";
import { checkMentions } from "./message-mentions";
import { answer } from "./message-outcome";
import type { ConversationRef } from "./store/message-row";
import type { AppendOptions, HistoryOptions } from "./store/message-store";

const groupRef = (groupId: number): ConversationRef => ({ id: groupId, kind: "GROUP", directKey: null });

/** Sends a message to a group the actor is a member of, and broadcasts it once stored. */
export async function sendGroupMessage(
  deps: Deps,
  actor: Actor,
  groupId: number,
  input: SendMessage,
  options: AppendOptions = {},
): Promise<Message> {
  await requireMember(deps.access, groupId, actor.id);
  const { body, epoch } = messageBody(groupId, input);
  const mentions = await checkMentions(deps.access, groupId, input.mentions);
  const replyTo = await resolveReply(deps, actor.id, groupId, input.replyToId);
  // An encrypted group takes only ciphertext, and ciphertext only of its current MLS epoch: the store checks both.
  const outcome = await appendWithAttachments(deps, actor, groupId, input, () =>
    deps.messages.append(
      { conversation: groupRef(groupId), sender: actor, body, idempotencyKey: input.idempotencyKey, epoch, mentions, replyTo },
      options,
    ),
  );
  return answer(
    outcome,
    deps.announcements,
    (message) => {
      deps.broadcaster.groupMessage({ ...message, groupId });
      deps.conversations.sent(message);
      deps.push.notify(message, { kind: "group", groupId });
    },
    async () => groupNotFound(),
  );
}

export async function groupHistory(deps: Deps, actor: Actor, groupId: number, options: HistoryOptions): Promise<Message[]> {
  await requireMember(deps.access, groupId, actor.id);
  const page = await deps.messages.history(groupRef(groupId), { ...options, viewerId: actor.id });
  if (!page) throw badCursor();
  return listAttachments(deps, page);
}
