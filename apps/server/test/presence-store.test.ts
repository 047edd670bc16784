import { createClient } from "redis";
import { afterAll, describe, expect, it } from "vitest";
import { createMemoryPresenceStore, createRedisPresenceStore, type PresenceStore } from "../src/realtime/presence-store";
import { redisForTests, redisNamespace } from "./redis";

const redisUrl = await redisForTests();
const namespace = redisUrl ? redisNamespace(redisUrl) : undefined;
const client = redisUrl ? createClient({ url: redisUrl }) : undefined;
await client?.connect();
afterAll(async () => {
  await namespace?.drop();
  await client?.close();
});

const stores: [string, (ttlMs: number) => PresenceStore][] = [["in memory", () => createMemoryPresenceStore()]];
if (client && namespace) {
  let n = 0;
  stores.push(["in Redis", (ttlMs) => createRedisPresenceStore(client, ttlMs, `${namespace.prefix}:presence:${++n}:`)]);
}

describe.each(stores)("presence %s", (_name, create) => {
  it("is online from the first socket to the last, across devices", async () => {
    const store = create(30_000);
    expect(await store.connected(1, "a")).toBe("first");
    expect(await store.connected(1, "b")).toBe("another");
    expect(await store.connected(2, "c")).toBe("first");
    expect(await store.disconnected(1, "a")).toBe(false);
    expect(await store.disconnected(1, "b")).toBe(true);
    // A socket removed twice does not make the user go offline twice.
    expect(await store.disconnected(1, "b")).toBe(false);
    expect(await store.sweep()).toEqual([]);
  });

  it("refuses a user's socket past the most allowed, counts a known one again, and frees a place on disconnect", async () => {
    const store = create(30_000);
    expect(await store.connected(3, "a", 2)).toBe("first");
    expect(await store.connected(3, "b", 2)).toBe("another");
    expect(await store.connected(3, "c", 2)).toBe("refused");
    expect(await store.connected(3, "b", 2)).toBe("another");
    expect(await store.connected(4, "d", 2)).toBe("first");
    expect(await store.disconnected(3, "c")).toBe(false);
    expect(await store.disconnected(3, "a")).toBe(false);
    expect(await store.connected(3, "c", 2)).toBe("another");
    expect(await store.connected(3, "e", 2)).toBe("refused");
  });
});

describe.skipIf(!client)("presence in Redis across processes", () => {
  // Expiry is measured with a clock of the test's own, so nothing waits for real time to pass. The TTL is
  // long, so that the Redis key expiry the store sets as a safety net (in real time) never fires meanwhile.
  const ttlMs = 60_000;
  let shared = 0;
  /** A clock that moves only when told to, starting now. */
  const manualClock = () => {
    let at = Date.now();
    return { now: () => at, advance: (ms: number) => (at += ms) };
  };
  /** Stores of several processes sharing one presence, for one test. */
  const processes = (now: () => number) => {
    const prefix = `${namespace!.prefix}:presence:shared-${++shared}:`;
    return () => createRedisPresenceStore(client!, ttlMs, prefix, now);
  };

  it("finds the users whose sockets were on a process that stopped refreshing them", async () => {
    const clock = manualClock();
    const process = processes(clock.now);
    const [alive, dead] = [process(), process()];
    expect(await dead.connected(10, "dead-1")).toBe("first");
    expect(await dead.connected(11, "dead-2")).toBe("first");
    expect(await alive.connected(11, "alive-1")).toBe("another");
    clock.advance(ttlMs / 2);
    await alive.refresh([{ userId: 11, socketId: "alive-1" }]);
    // Nothing has expired yet.
    expect(await alive.sweep()).toEqual([]);
    clock.advance(ttlMs / 2 + 1);
    // The dead process's sockets expired: 10 had only those; 11 still has a live one.
    expect(await alive.sweep()).toEqual([10]);
    expect(await alive.sweep()).toEqual([]);
    expect(await alive.disconnected(11, "alive-1")).toBe(true);
  });

  it("counts a stalled process's sockets again when it refreshes after being swept", async () => {
    const clock = manualClock();
    const stalled = processes(clock.now)();
    expect(await stalled.connected(20, "slow-1")).toBe("first");
    clock.advance(ttlMs + 1);
    expect(await stalled.sweep()).toEqual([20]);
    expect(await stalled.refresh([{ userId: 20, socketId: "slow-1" }])).toEqual([20]);
    expect(await stalled.refresh([{ userId: 20, socketId: "slow-1" }])).toEqual([]);
  });

  it("counts every process's sockets towards the limit, and no longer those of a process that died", async () => {
    const clock = manualClock();
    const process = processes(clock.now);
    const [dead, alive] = [process(), process()];
    expect(await dead.connected(40, "dead-1", 2)).toBe("first");
    expect(await alive.connected(40, "alive-1", 2)).toBe("another");
    expect(await alive.connected(40, "alive-2", 2)).toBe("refused");
    clock.advance(ttlMs / 2);
    await alive.refresh([{ userId: 40, socketId: "alive-1" }]);
    clock.advance(ttlMs / 2 + 1);
    expect(await alive.connected(40, "alive-2", 2)).toBe("another");
  });

  it("a socket connected again before it expired is not counted as a new arrival", async () => {
    const clock = manualClock();
    const store = processes(clock.now)();
    expect(await store.connected(30, "a")).toBe("first");
    clock.advance(ttlMs - 1);
    expect(await store.refresh([{ userId: 30, socketId: "a" }])).toEqual([]);
    clock.advance(ttlMs - 1);
    expect(await store.sweep()).toEqual([]);
    expect(await store.disconnected(30, "a")).toBe(true);
  });
});
