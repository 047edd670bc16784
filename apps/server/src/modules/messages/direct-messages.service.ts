import type { Message, SendMessage } from "@hestia/contracts";
import { isUniqueViolation } from "@hestia/db";
import type { Actor, Deps } from "../../deps";
import { AppError } from "../../errors";
import { appendWithAttachments, listAttachments } from "../attachments/attachments.service";
import { areFriends } from "../friends/friends.policy";
import { requireUser } from "../users/users.policy";
import { resolveReply } from "./message-access";
import { messageBody } from "./message-body";
import { checkMentions } from "./message-mentions";
import { answer } from "./message-outcome";
import { type ConversationRef, directKey } from "./store/message-row";
import type { AppendOptions, HistoryOptions } from "./store/message-store";

/** The direct conversation of two users, created on first use; concurrent first sends share one row. */
async function createDirect(deps: Deps, a: number, b: number): Promise<ConversationRef> {
  const { db } = deps;
  const key = directKey(a, b);
  const select = { id: true, kind: true, directKey: true } as const;
  try {
    const created = await db.conversation.create({
      data: { kind: "DIRECT", directKey: key, memberships: { create: [{ userId: a }, { userId: b }] } },
      select,
    });
    // Its id may have been asked about before it existed (membership answers are cached).
    await deps.access.changed.membership(created.id, [a, b]);
    return created;
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const raced = await db.conversation.findUnique({ where: { directKey: key }, select });
    if (!raced) throw error;
    return raced;
  }
}

function refuseSelf(actor: Actor, otherId: number): void {
  if (otherId === actor.id) throw new AppError("BAD_REQUEST", "You cannot message yourself");
}

/** Why two users who are not friends cannot exchange messages: 404 if the other does not exist, else 403. */
async function notFriends(deps: Deps, otherId: number): Promise<AppError> {
  await requireUser(deps.access, otherId);
  return new AppError("FORBIDDEN", "Direct messages are only possible between friends");
}

/** The direct conversation with a friend, created on first use (400 yourself, 403 not a friend, 404 unknown user). */
export async function friendConversation(deps: Deps, actor: Actor, otherId: number): Promise<ConversationRef> {
  refuseSelf(actor, otherId);
  if (!(await areFriends(deps.access, actor.id, otherId))) throw await notFriends(deps, otherId);
  return (await deps.access.directConversation(actor.id, otherId)) ?? (await createDirect(deps, actor.id, otherId));
}

/** Sends a direct message to a friend and broadcasts it once stored. */
export async function sendDirect(
  deps: Deps,
  actor: Actor,
  recipientId: number,
  input: SendMessage,
  options: AppendOptions = {},
): Promise<Message> {
  const conversation = await friendConversation(deps, actor, recipientId);
  const { body, epoch } = messageBody(conversation.id, input);
  const mentions = await checkMentions(deps.access, conversation.id, input.mentions);
  const replyTo = await resolveReply(deps, actor.id, conversation.id, input.replyToId);
  const outcome = await appendWithAttachments(deps, actor, conversation.id, input, () =>
    deps.messages.append({ conversation, sender: actor, body, idempotencyKey: input.idempotencyKey, epoch, mentions, replyTo }, options),
  );
  return answer(
    outcome,
    deps.announcements,
    (message) => {
      deps.broadcaster.directMessage({ ...message, recipientId });
      deps.conversations.sent(message);
      deps.push.notify(message, { kind: "dm", recipientId });
    },
    // The other account was deleted meanwhile.
    () => notFriends(deps, recipientId),
  );
}

/** A page of the direct conversation with another user: for friends, or for past participants. */
export async function directHistory(deps: Deps, actor: Actor, otherId: number, options: HistoryOptions): Promise<Message[]> {
  refuseSelf(actor, otherId);
  await requireUser(deps.access, otherId);
  const conversation = await deps.access.directConversation(actor.id, otherId);
  if (!conversation) {
    if (!(await areFriends(deps.access, actor.id, otherId))) throw await notFriends(deps, otherId);
    return [];
  }
  const page = await deps.messages.history(conversation, { ...options, viewerId: actor.id });
  if (!page) throw badCursor();
  return listAttachments(deps, page);
}

export const badCursor = () => new AppError("BAD_REQUEST", "The cursor is not a message of this conversation");
