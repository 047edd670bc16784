import type { AccessCache } from "../../cache/access";
import { AppError } from "../../errors";

export const userNotFound = () => new AppError("NOT_FOUND", "User not found");

/** Throws NOT_FOUND unless a user with this id exists. */
export async function requireUser(access: AccessCache, id: number): Promise<void> {
  if (!(await access.user(id))) throw userNotFound();
}
