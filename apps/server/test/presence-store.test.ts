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
    expect(await store.connected(1, "a")).toBe(true);
    expect(await store.connected(1, "b")).toBe(false);
    expect(await store.connected(2, "c")).toBe(true);
    expect(await store.disconnected(1, "a")).toBe(false);
    expect(await store.disconnected(1, "b")).toBe(true);
    // A socket removed twice does not make the user go offline twice.
    expect(await store.disconnected(1, "b")).toBe(false);
    expect(await store.sweep()).toEqual([]);
  });
});

describe.skipIf(!client)("presence in Redis across processes", () => {
  const store = (ttlMs: number) => createRedisPresenceStore(client!, ttlMs, `${namespace!.prefix}:presence:shared:`);

  it("finds the users whose sockets were on a process that stopped refreshing them", async () => {
    const alive = store(300);
    const dead = store(300);
    expect(await dead.connected(10, "dead-1")).toBe(true);
    expect(await dead.connected(11, "dead-2")).toBe(true);
    expect(await alive.connected(11, "alive-1")).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 150));
    await alive.refresh([{ userId: 11, socketId: "alive-1" }]);
    await new Promise((resolve) => setTimeout(resolve, 250));
    // 10 had only the dead process's socket; 11 still has a live one.
    expect(await alive.sweep()).toEqual([10]);
    expect(await alive.sweep()).toEqual([]);
    expect(await alive.disconnected(11, "alive-1")).toBe(true);
  });

  it("counts a stalled process's sockets again when it refreshes after being swept", async () => {
    const stalled = store(100);
    expect(await stalled.connected(20, "slow-1")).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(await stalled.sweep()).toEqual([20]);
    expect(await stalled.refresh([{ userId: 20, socketId: "slow-1" }])).toEqual([20]);
    expect(await stalled.refresh([{ userId: 20, socketId: "slow-1" }])).toEqual([]);
  });
});
