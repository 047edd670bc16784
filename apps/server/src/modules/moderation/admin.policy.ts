import type { Db } from "@hestia/db";
import type { Actor } from "../../deps";
import { AppError } from "../../errors";

/**
 * Throws FORBIDDEN unless the actor is a server admin. Read from the database on every admin request
 * (not cached): a grant or revocation on the command line takes effect at once on every process.
 */
export async function requireServerAdmin(db: Db, actor: Actor): Promise<void> {
  const user = await db.user.findUnique({ where: { id: actor.id }, select: { isAdmin: true } });
  if (!user?.isAdmin) throw new AppError("FORBIDDEN", "Only server admins can do this");
}
