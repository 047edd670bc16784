import type { Db } from "@hestia/db";
import { AppError } from "../../errors";

export const userNotFound = () => new AppError("NOT_FOUND", "User not found");

/** Throws NOT_FOUND unless a user with this id exists. */
export async function requireUser(db: Db, id: number): Promise<void> {
  const user = await db.user.findUnique({ where: { id }, select: { id: true } });
  if (!user) throw userNotFound();
}
