import type { FriendRequestProfile, Profile, Success } from "@hestia/contracts";
import { isUniqueViolation } from "@hestia/db";
import type { Actor, Deps, RequestInfo } from "../../deps";
import { AppError } from "../../errors";
import { blockState, friendshipRefusal, refuseIfBlocked } from "../moderation/blocks.policy";
import { profileSelect, toProfile } from "../users/profile";
import { requireUser } from "../users/users.policy";
import { areFriends, friendPair } from "./friends.policy";

const success: Success = { success: true };
const noRequest = () => new AppError("NOT_FOUND", "No pending friend request from this user");

/** Requests in both directions between two users. */
const betweenPair = (a: number, b: number) => ({
  OR: [
    { senderId: a, receiverId: b },
    { senderId: b, receiverId: a },
  ],
});

function requestExists(deps: Deps, senderId: number, receiverId: number): Promise<boolean> {
  return deps.db.friendRequest
    .findUnique({ where: { senderId_receiverId: { senderId, receiverId } }, select: { id: true } })
    .then((row) => row !== null);
}

/**
 * Makes two users friends and clears every request between them. Idempotent: when a concurrent
 * call created the friendship first, only the leftover requests are removed. `a` is the one acting.
 */
async function befriend(deps: Deps, a: number, b: number): Promise<void> {
  try {
    await deps.db.$transaction([
      deps.db.friendship.create({ data: friendPair(a, b) }),
      deps.db.friendRequest.deleteMany({ where: betweenPair(a, b) }),
    ]);
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    await deps.db.friendRequest.deleteMany({ where: betweenPair(a, b) });
  }
  await deps.access.changed.friendship(a, b);
  // A block stored while this call was under way wins: the friendship it ended does not come back.
  const refusal = friendshipRefusal(await blockState(deps.db, a, b));
  if (refusal) {
    await deps.db.friendship.deleteMany({ where: friendPair(a, b) });
    await deps.access.changed.friendship(a, b);
    throw refusal;
  }
}

/** Whether the friendship is stored now, read from the database itself (not the cache): for racing requests. */
async function friendshipStored(deps: Deps, a: number, b: number): Promise<boolean> {
  const row = await deps.db.friendship.findUnique({ where: { userLowId_userHighId: friendPair(a, b) }, select: { userLowId: true } });
  return row !== null;
}

/**
 * Asks `targetId` to be friends. Repeating a pending request changes nothing; asking someone who
 * already asked you accepts their request. While either has blocked the other, 403.
 */
export async function sendRequest(deps: Deps, actor: Actor, targetId: number): Promise<Success> {
  if (targetId === actor.id) throw new AppError("BAD_REQUEST", "You cannot send a friend request to yourself");
  await requireUser(deps.access, targetId);
  await refuseIfBlocked(deps.db, actor.id, targetId);
  if (await areFriends(deps.access, actor.id, targetId)) throw new AppError("ALREADY_FRIENDS", "You are already friends");
  if (await requestExists(deps, targetId, actor.id)) {
    await befriend(deps, actor.id, targetId);
    return success;
  }
  try {
    await deps.db.friendRequest.create({ data: { senderId: actor.id, receiverId: targetId }, select: { id: true } });
  } catch (error) {
    // The same request raced in from another call: it is pending either way.
    if (!isUniqueViolation(error)) throw error;
  }
  // A block stored since the check above swept away only the requests that existed then.
  const refusal = friendshipRefusal(await blockState(deps.db, actor.id, targetId));
  if (refusal) {
    await deps.db.friendRequest.deleteMany({ where: { senderId: actor.id, receiverId: targetId } });
    throw refusal;
  }
  // Both users may have asked each other at once, each missing the other's request above: after
  // both inserts at least one of them sees the other's and completes the friendship. A friendship
  // made meanwhile (an accept racing this call) must not be left with a stale request beside it.
  if ((await requestExists(deps, targetId, actor.id)) || (await friendshipStored(deps, actor.id, targetId))) {
    await befriend(deps, actor.id, targetId);
  }
  return success;
}

/** Accepts the pending request that `senderId` sent to the actor. */
export async function acceptRequest(deps: Deps, actor: Actor, senderId: number): Promise<Success> {
  if (!(await requestExists(deps, senderId, actor.id))) throw noRequest();
  await befriend(deps, actor.id, senderId);
  return success;
}

/** Declines the pending request that `senderId` sent to the actor. */
export async function declineRequest(deps: Deps, actor: Actor, senderId: number): Promise<Success> {
  const { count } = await deps.db.friendRequest.deleteMany({ where: { senderId, receiverId: actor.id } });
  if (count === 0) throw noRequest();
  return success;
}

/** Withdraws the actor's pending request to `receiverId`. */
export async function cancelRequest(deps: Deps, actor: Actor, receiverId: number): Promise<Success> {
  const { count } = await deps.db.friendRequest.deleteMany({ where: { senderId: actor.id, receiverId } });
  if (count === 0) throw new AppError("NOT_FOUND", "No pending friend request to this user");
  return success;
}

/** Ends the friendship between the actor and `friendId`. */
export async function removeFriend(deps: Deps, actor: Actor, friendId: number): Promise<Success> {
  const { count } = await deps.db.friendship.deleteMany({ where: friendPair(actor.id, friendId) });
  if (count === 0) throw new AppError("NOT_FOUND", "You are not friends with this user");
  await deps.access.changed.friendship(actor.id, friendId);
  return success;
}

/** The actor's friends' profiles, ordered by username regardless of letter case. */
export async function listFriends(deps: Deps, actor: Actor, request: RequestInfo): Promise<Profile[]> {
  const users = await deps.db.user.findMany({
    where: {
      OR: [{ friendshipsLow: { some: { userHighId: actor.id } } }, { friendshipsHigh: { some: { userLowId: actor.id } } }],
    },
    select: profileSelect,
    orderBy: [{ usernameKey: "asc" }, { id: "asc" }],
  });
  return users.map((user) => toProfile(user, request.baseUrl));
}

/** The ids of a user's friends, for fan-out such as presence. */
export async function listFriendIds(deps: Deps, userId: number): Promise<number[]> {
  // On every connect and disconnect (presence): one lean query over both indexes.
  const rows = await deps.lean.all<{ id: number }>(
    "SELECT `userHighId` AS `id` FROM `Friendship` WHERE `userLowId` = ? UNION ALL SELECT `userLowId` AS `id` FROM `Friendship` WHERE `userHighId` = ?",
    [userId, userId],
  );
  return rows.map((row) => row.id);
}

/** Pending requests sent to the actor, as the senders' profiles, newest first. */
export async function listIncomingRequests(deps: Deps, actor: Actor, request: RequestInfo): Promise<FriendRequestProfile[]> {
  const rows = await deps.db.friendRequest.findMany({
    where: { receiverId: actor.id },
    select: { createdAt: true, sender: { select: profileSelect } },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
  });
  return rows.map((row) => ({ ...toProfile(row.sender, request.baseUrl), requestedAt: row.createdAt.toISOString() }));
}

/** Pending requests the actor sent, as the receivers' profiles, newest first. */
export async function listOutgoingRequests(deps: Deps, actor: Actor, request: RequestInfo): Promise<FriendRequestProfile[]> {
  const rows = await deps.db.friendRequest.findMany({
    where: { senderId: actor.id },
    select: { createdAt: true, receiver: { select: profileSelect } },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
  });
  return rows.map((row) => ({ ...toProfile(row.receiver, request.baseUrl), requestedAt: row.createdAt.toISOString() }));
}
