import type { Profile } from "@hestia/contracts";
import type { Actor, Deps, RequestInfo } from "../../deps";
import { AppError } from "../../errors";
import { profileSelect, toProfile } from "../users/profile";
import { userNotFound } from "../users/users.policy";
import { processAvatar } from "./avatar-image";
import { avatarName } from "./avatar-store";

/** Deletes an uploaded file that nothing points at any more; a failure is logged, not reported. */
export async function discardAvatar(deps: Pick<Deps, "avatars" | "logger">, name: string | null | undefined): Promise<void> {
  if (!name) return;
  try {
    await deps.avatars.remove(name);
  } catch (error) {
    deps.logger.warn({ err: error, avatar: name }, "could not delete an avatar file");
  }
}

/**
 * Sets the profile picture (an uploaded file's name or an external URL, or neither) and deletes the
 * file it replaces. The update only applies if the picture did not change meanwhile, so concurrent
 * changes cannot leave a file behind that no profile points at.
 */
export async function setPicture(
  deps: Deps,
  actor: Actor,
  request: RequestInfo,
  picture: { avatarKey: string | null; profilePictureUrl: string | null },
): Promise<Profile> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const current = await deps.db.user.findUnique({ where: { id: actor.id }, select: { avatarKey: true } });
    if (!current) throw userNotFound();
    const { count } = await deps.db.user.updateMany({ where: { id: actor.id, avatarKey: current.avatarKey }, data: picture });
    if (count === 1) {
      if (current.avatarKey !== picture.avatarKey) await discardAvatar(deps, current.avatarKey);
      const user = await deps.db.user.findUnique({ where: { id: actor.id }, select: profileSelect });
      if (!user) throw userNotFound();
      return toProfile(user, request.baseUrl);
    }
  }
  throw new AppError("CONFLICT", "The profile picture was changed at the same time; try again");
}

/** Stores an uploaded image (checked and re-encoded) as the profile picture. */
export async function uploadAvatar(deps: Deps, actor: Actor, request: RequestInfo, bytes: Buffer): Promise<Profile> {
  const avatar = await processAvatar(bytes);
  const name = avatarName(avatar.extension);
  await deps.avatars.save(name, avatar.data);
  try {
    return await setPicture(deps, actor, request, { avatarKey: name, profilePictureUrl: null });
  } catch (error) {
    await discardAvatar(deps, name);
    throw error;
  }
}
