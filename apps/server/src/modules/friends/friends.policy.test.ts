import type { Db } from "@hestia/db";
import { describe, expect, it } from "vitest";
import { areFriends, friendPair } from "./friends.policy";

describe("friendPair", () => {
  it("orders the pair, so that a friendship has one key whichever side names it", () => {
    expect(friendPair(3, 17)).toEqual({ userLowId: 3, userHighId: 17 });
    expect(friendPair(17, 3)).toEqual({ userLowId: 3, userHighId: 17 });
  });

  it("compares ids as numbers, not as text", () => {
    expect(friendPair(10, 9)).toEqual({ userLowId: 9, userHighId: 10 });
  });
});

describe("areFriends", () => {
  /** A database holding these friendships (pairs as friendPair stores them). */
  function dbWith(pairs: [number, number][]) {
    const lookups: unknown[] = [];
    const db = {
      friendship: {
        findUnique: async ({ where }: { where: { userLowId_userHighId: { userLowId: number; userHighId: number } } }) => {
          lookups.push(where);
          const { userLowId, userHighId } = where.userLowId_userHighId;
          return pairs.some(([low, high]) => low === userLowId && high === userHighId) ? { userLowId } : null;
        },
      },
    };
    return { db: db as unknown as Db, lookups };
  }

  it("finds a friendship from either side", async () => {
    const { db } = dbWith([[2, 5]]);
    expect(await areFriends(db, 2, 5)).toBe(true);
    expect(await areFriends(db, 5, 2)).toBe(true);
    expect(await areFriends(db, 2, 6)).toBe(false);
  });

  it("answers that nobody is their own friend without asking the database", async () => {
    const { db, lookups } = dbWith([[4, 4]]);
    expect(await areFriends(db, 4, 4)).toBe(false);
    expect(lookups).toEqual([]);
  });
});
