import type { Profile, UserStatus } from "@hestia/contracts";
import type { User } from "@hestia/db";

export type ProfileRow = Pick<User, "id" | "username" | "bio" | "status" | "profilePictureUrl" | "avatarKey" | "createdAt">;

/** The columns a profile is built from; select these and nothing else (never the password hash). */
export const profileSelect = {
  id: true,
  username: true,
  bio: true,
  status: true,
  profilePictureUrl: true,
  avatarKey: true,
  createdAt: true,
} as const;

export function toProfile(user: ProfileRow, baseUrl: string): Profile {
  return {
    id: user.id,
    username: user.username,
    bio: user.bio,
    status: user.status as UserStatus,
    profilePictureUrl: user.avatarKey ? `${baseUrl}/uploads/avatars/${user.avatarKey}` : user.profilePictureUrl,
    createdAt: user.createdAt.toISOString(),
  };
}
