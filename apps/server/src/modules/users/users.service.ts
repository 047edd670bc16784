import type { Profile, UserStatus } from "@hestia/contracts";
import type { Actor, Deps, RequestInfo } from "../../deps";
import { deleteBlobs, filesOfUser } from "../attachments/attachments.service";
import { discardAvatar, setPicture } from "../avatars/avatars.service";
import { recordErasedSender } from "../messages/store/gaps";
import { profileSelect, toProfile } from "./profile";
import { usernameKey } from "./username";
import { userNotFound } from "./users.policy";

async function profileWhere(deps: Deps, request: RequestInfo, where: { id: number } | { usernameKey: string }): Promise<Profile> {
  const user = await deps.db.user.findUnique({ where, select: profileSelect });
  if (!user) throw userNotFound();
  return toProfile(user, request.baseUrl);
}

export function getById(deps: Deps, request: RequestInfo, id: number): Promise<Profile> {
  return profileWhere(deps, request, { id });
}

export function getByUsername(deps: Deps, request: RequestInfo, username: string): Promise<Profile> {
  return profileWhere(deps, request, { usernameKey: usernameKey(username) });
}

async function updateOwn(deps: Deps, actor: Actor, request: RequestInfo, data: { bio?: string; status?: UserStatus }): Promise<Profile> {
  const user = await deps.db.user.update({ where: { id: actor.id }, data, select: profileSelect });
  return toProfile(user, request.baseUrl);
}

export function setBio(deps: Deps, actor: Actor, request: RequestInfo, bio: string): Promise<Profile> {
  return updateOwn(deps, actor, request, { bio });
}

export function setStatus(deps: Deps, actor: Actor, request: RequestInfo, status: UserStatus): Promise<Profile> {
  return updateOwn(deps, actor, request, { status });
}

/** Points the profile picture at an external URL (or removes it), deleting any uploaded avatar. */
export function setProfilePictureUrl(deps: Deps, actor: Actor, request: RequestInfo, url: string | null): Promise<Profile> {
  return setPicture(deps, actor, request, { profilePictureUrl: url, avatarKey: null });
}

/** How many device tokens an account keeps; registering more drops the least recently registered. */
export const PUSH_TOKENS_PER_USER = 20;

/** Registers a device's push token for this user; a token moves to whoever registered it last. */
export async function addPushToken(deps: Deps, actor: Actor, token: string): Promise<{ success: true }> {
  await deps.db.pushToken.upsert({
    where: { token },
    create: { token, userId: actor.id },
    update: { userId: actor.id },
  });
  const stale = await deps.db.pushToken.findMany({
    where: { userId: actor.id },
    orderBy: [{ updatedAt: "desc" }, { id: "desc" }],
    skip: PUSH_TOKENS_PER_USER,
    select: { id: true },
  });
  if (stale.length) await deps.db.pushToken.deleteMany({ where: { id: { in: stale.map((row) => row.id) } } });
  return { success: true };
}

/** Unregisters one of this user's device tokens; an unknown token (or someone else's) changes nothing. */
export async function removePushToken(deps: Deps, actor: Actor, token: string): Promise<{ success: true }> {
  await deps.db.pushToken.deleteMany({ where: { token, userId: actor.id } });
  return { success: true };
}

/**
 * Deletes the account; its rows cascade, its tokens fail because the user no longer exists, and its
 * connected sockets are closed.
 */
export async function deleteAccount(deps: Deps, actor: Actor): Promise<void> {
  const user = await deps.db.user.findUnique({ where: { id: actor.id }, select: { avatarKey: true } });
  const files = await filesOfUser(deps, actor.id);
  // Seqs are taken from each conversation's counter, so the deleted messages' seqs are never handed out again.
  await recordErasedSender(deps.lean, actor.id);
  await deps.db.user.deleteMany({ where: { id: actor.id } });
  await deps.access.changed.user(actor.id);
  deps.broadcaster.disconnectUser(actor.id);
  await discardAvatar(deps, user?.avatarKey);
  await deleteBlobs(deps, files);
}
