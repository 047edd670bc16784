import type { AccessCache } from "../../cache/access";

/** The key a friendship is stored under: the pair ordered so that it exists once. */
export function friendPair(a: number, b: number): { userLowId: number; userHighId: number } {
  return a < b ? { userLowId: a, userHighId: b } : { userLowId: b, userHighId: a };
}

/** Whether two users are friends; nobody is their own friend. */
export async function areFriends(access: AccessCache, a: number, b: number): Promise<boolean> {
  return a !== b && access.areFriends(a, b);
}
