import { describe, expect, it } from "vitest";
import type { AccessCache } from "../../cache/access";
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
  /** An access cache holding these friendships, recording what it was asked. */
  function accessWith(pairs: [number, number][]) {
    const lookups: [number, number][] = [];
    const access = {
      areFriends: async (a: number, b: number) => {
        lookups.push([a, b]);
        return pairs.some(([x, y]) => (x === a && y === b) || (x === b && y === a));
      },
    } as unknown as AccessCache;
    return { access, lookups };
  }

  it("finds a friendship from either side", async () => {
    const { access } = accessWith([[2, 5]]);
    expect(await areFriends(access, 2, 5)).toBe(true);
    expect(await areFriends(access, 5, 2)).toBe(true);
    expect(await areFriends(access, 2, 6)).toBe(false);
  });

  it("answers that nobody is their own friend without asking", async () => {
    const { access, lookups } = accessWith([[4, 4]]);
    expect(await areFriends(access, 4, 4)).toBe(false);
    expect(lookups).toEqual([]);
  });
});
