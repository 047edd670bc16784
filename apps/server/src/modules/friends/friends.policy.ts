import type { Db } from "@hestia/db";

/** The key a friendship is stored under: the pair ordered so that it exists once. */
export function friendPair(a: number, b: number): { userLowId: number; userHighId: number } {
  return a < b ? { userLowId: a, userHighId: b } : { userLowId: b, userHighId: a };
}

/** Whether two users are friends; nobody is their own friend. */
export async function areFriends(db: Db, a: number, b: number): Promise<boolean> {
  if (a === b) return false;
  const row = await db.friendship.findUnique({ where: { userLowId_userHighId: friendPair(a, b) }, select: { userLowId: true } });
  return row !== null;
}
