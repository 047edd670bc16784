import type { Message, SendMessage } from "@hestia/contracts";
import { type Db, isUniqueViolation, Prisma } from "@hestia/db";
import type { Actor, Deps } from "../../deps";
import { AppError } from "../../errors";
import { areFriends, friendPair } from "../friends/friends.policy";
import { requireUser } from "../users/users.policy";
import { epochMoved, messageBody } from "./message-body";
import { type ConversationRef, GuardRefused, type HistoryOptions, loadHistory, storeAndAnnounce } from "./message-store";

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

/**
 * Direct conversations by pair key, per database. A pair's conversation never changes once created (it
 * goes only with an account, and then the friendship guard refuses first), so it is kept in memory.
 */
const directCaches = new WeakMap<Db, Map<string, ConversationRef>>();
const DIRECT_CACHE_SIZE = 50_000;

/** The conversation to write a DM to; the first time for a pair, only for friends (nothing is created otherwise). */
async function directConversation(deps: Deps, a: number, b: number): Promise<ConversationRef> {
  const key = directKey(a, b);
  let directConversations = directCaches.get(deps.db);
  if (!directConversations) directCaches.set(deps.db, (directConversations = new Map()));
  const cached = directConversations.get(key);
  if (cached) return cached;
  if (!(await areFriends(deps.db, a, b))) throw await notFriends(deps, b);
  const conversation = await getOrCreateDirect(deps.db, a, b);
  if (directConversations.size >= DIRECT_CACHE_SIZE) directConversations.delete(directConversations.keys().next().value!);
  directConversations.set(key, conversation);
  return conversation;
}

/** The direct conversation with a friend, created on first use (400 yourself, 403 not a friend, 404 unknown user). */
export async function friendConversation(deps: Deps, actor: Actor, otherId: number): Promise<ConversationRef> {
  refuseSelf(actor, otherId);
  if (!(await areFriends(deps.db, actor.id, otherId))) throw await notFriends(deps, otherId);
  return directConversation(deps, actor.id, otherId);
}

/** Sends a direct message to a friend and broadcasts it once stored. */
export async function sendDirect(deps: Deps, actor: Actor, recipientId: number, input: SendMessage): Promise<Message> {
  refuseSelf(actor, recipientId);
  const conversation = await directConversation(deps, actor.id, recipientId);
  const { body, epoch } = messageBody(conversation.id, input);
  const { userLowId, userHighId } = friendPair(actor.id, recipientId);
  // Friends at the moment of writing (and, encrypted, still in the ciphertext's epoch), checked by the INSERT itself.
  const friends = Prisma.sql`EXISTS (SELECT 1 FROM \`Friendship\` WHERE \`userLowId\` = ${userLowId} AND \`userHighId\` = ${userHighId})`;
  const guard =
    epoch === undefined
      ? friends
      : Prisma.sql`${friends} AND EXISTS (SELECT 1 FROM \`Conversation\` WHERE \`id\` = ${conversation.id} AND \`mlsEpoch\` = ${epoch})`;
  try {
    return await storeAndAnnounce(
      deps.db,
      {
        conversation,
        sender: actor,
        body,
        idempotencyKey: input.idempotencyKey,
        guard,
      },
      (message) => {
        deps.broadcaster.directMessage({ ...message, recipientId });
        deps.push.notify(message, { kind: "dm", recipientId });
      },
    );
  } catch (error) {
    if (error instanceof GuardRefused) {
      if (epoch !== undefined && (await areFriends(deps.db, actor.id, recipientId))) throw epochMoved();
      throw await notFriends(deps, recipientId);
    }
    throw error;
  }
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
