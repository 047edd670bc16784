import type { Profile } from "@hestia/contracts";
import { isoTimestamp, type LeanDb } from "@hestia/db";
import { type ProfileRow, toProfile } from "../users/profile";

type RawProfileRow = Omit<ProfileRow, "createdAt"> & { createdAt: unknown };

/** The public columns of a profile, for lean queries (never the password hash). */
export const PROFILE_COLUMNS =
  "`u`.`id`, `u`.`username`, `u`.`bio`, `u`.`status`, `u`.`profilePictureUrl`, `u`.`avatarKey`, `u`.`createdAt`";

/** A profile row as the lean drivers return it, as the API's profile. */
export function rawToProfile(row: RawProfileRow, baseUrl: string): Profile {
  return toProfile({ ...row, createdAt: new Date(isoTimestamp(row.createdAt)) }, baseUrl);
}

/** Public profiles of these users, by id (accounts deleted meanwhile are missing). */
export async function peerProfiles(lean: LeanDb, userIds: number[], baseUrl: string): Promise<Map<number, Profile>> {
  const ids = [...new Set(userIds)];
  if (!ids.length) return new Map();
  const rows = await lean.all<RawProfileRow>(
    `SELECT ${PROFILE_COLUMNS} FROM \`User\` AS \`u\` WHERE \`u\`.\`id\` IN (${ids.map(() => "?").join(", ")})`,
    ids,
  );
  return new Map(rows.map((row) => [row.id, rawToProfile(row, baseUrl)]));
}
