import type { Message, SendMessage } from "@hestia/contracts";
import { isUniqueViolation, type Db } from "@hestia/db";
import type { Actor, Deps } from "../../deps";
import { AppError } from "../../errors";
import { areFriends } from "../friends/friends.policy";
import { requireUser } from "../users/users.policy";
import { loadHistory, storeAndAnnounce, type ConversationRef, type HistoryOptions } from "./message-store";

const directKey = (a: number, b: number) => (a < b ? `${a}:${b}` : `${b}:${a}`);

async function findDirect(db: Db, a: number, b: number): Promise<ConversationRef | null> {
  return db.conversation.findUnique({ where: { directKey: directKey(a, b) }, select: { id: true, kind: true, directKey: true } });
}

/** The direct conversation of two users, created on first use; concurrent first sends share one row. */
async function getOrCreateDirect(db: Db, a: number, b: number): Promise<ConversationRef> {
  const existing = await findDirect(db, a, b);
  if (existing) return existing;
  try {
    return await db.conversation.create({
      data: { kind: "DIRECT", directKey: directKey(a, b), memberships: { create: [{ userId: a }, { userId: b }] } },
      select: { id: true, kind: true, directKey: true },
    });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const raced = await findDirect(db, a, b);
    if (!raced) throw error;
    return raced;
  }
}

function refuseSelf(actor: Actor, otherId: number): void {
  if (otherId === actor.id) throw new AppError("BAD_REQUEST", "You cannot message yourself");
}

/** Why two users who are not friends cannot exchange messages: 404 if the other does not exist, else 403. */
async function notFriends(deps: Deps, otherId: number): Promise<AppError> {
  await requireUser(deps.db, otherId);
  return new AppError("FORBIDDEN", "Direct messages are only possible between friends");
}

/** Sends a direct message to a friend and broadcasts it once stored. */
export async function sendDirect(deps: Deps, actor: Actor, recipientId: number, input: SendMessage): Promise<Message> {
  refuseSelf(actor, recipientId);
  if (!(await areFriends(deps.db, actor.id, recipientId))) throw await notFriends(deps, recipientId);
  const conversation = await getOrCreateDirect(deps.db, actor.id, recipientId);
  return storeAndAnnounce(
    deps.db,
    { conversation, sender: actor, content: input.content, idempotencyKey: input.idempotencyKey },
    (message) => {
      deps.broadcaster.directMessage({ ...message, recipientId });
      deps.push.notify(message, { kind: "dm", recipientId });
    },
  );
}

/** A page of the direct conversation with another user: for friends, or for past participants. */
export async function directHistory(deps: Deps, actor: Actor, otherId: number, options: HistoryOptions): Promise<Message[]> {
  refuseSelf(actor, otherId);
  await requireUser(deps.db, otherId);
  const conversation = await findDirect(deps.db, actor.id, otherId);
  if (conversation) return loadHistory(deps.db, conversation, options);
  if (!(await areFriends(deps.db, actor.id, otherId))) throw await notFriends(deps, otherId);
  return [];
}
