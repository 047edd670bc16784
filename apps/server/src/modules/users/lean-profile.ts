import type { Profile } from "@hestia/contracts";
import { isoTimestamp } from "@hestia/db";
import { type ProfileRow, toProfile } from "../users/profile";

type RawProfileRow = Omit<ProfileRow, "createdAt"> & { createdAt: unknown };

/** The public columns of a profile, for lean queries (never the password hash). */
export const PROFILE_COLUMNS =
  "`u`.`id`, `u`.`username`, `u`.`bio`, `u`.`status`, `u`.`profilePictureUrl`, `u`.`avatarKey`, `u`.`createdAt`";

/** A profile row as the lean drivers return it, as the API's profile. */
export function rawToProfile(row: RawProfileRow, baseUrl: string): Profile {
  return toProfile({ ...row, createdAt: new Date(isoTimestamp(row.createdAt)) }, baseUrl);
}
