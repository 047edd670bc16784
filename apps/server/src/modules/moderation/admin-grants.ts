import type { LeanDb } from "@hestia/db";
import { usernameKey } from "../users/username";
import { recordAction } from "./audit-log";

export type GrantResult = { status: "changed" | "unchanged"; user: { id: number; username: string } } | { status: "unknown-user" };

/**
 * Makes a user a server admin, or no longer one: only the command line does this (never the API). The
 * change is recorded in the audit log with no admin (`adminId: null`, details "cli"). Prepared
 * statements rather than Prisma: the command line starts faster without its query engine.
 */
export async function setServerAdmin(lean: LeanDb, username: string, admin: boolean): Promise<GrantResult> {
  const user = await lean.get<{ id: number; username: string }>("SELECT `id`, `username` FROM `User` WHERE `usernameKey` = ?", [
    usernameKey(username),
  ]);
  if (!user) return { status: "unknown-user" };
  const { changes } = await lean.run("UPDATE `User` SET `isAdmin` = ? WHERE `id` = ? AND `isAdmin` = ?", [admin, user.id, !admin]);
  if (changes === 0) return { status: "unchanged", user: { id: user.id, username: user.username } };
  await recordAction(lean, { adminId: null, action: admin ? "grant_admin" : "revoke_admin", targetUserId: user.id, details: "cli" });
  return { status: "changed", user: { id: user.id, username: user.username } };
}

/** The server admins, by id. */
export function listServerAdmins(lean: LeanDb): Promise<{ id: number; username: string }[]> {
  return lean.all("SELECT `id`, `username` FROM `User` WHERE `isAdmin` = ? ORDER BY `id`", [true]);
}
