import { spawnSync } from "node:child_process";
import {
  type Balancer,
  createDeployment,
  type Deployment,
  hasRedisServer,
  type PrivateRedis,
  type ServerProcess,
  startBalancer,
  startPrivateRedis,
  startServerProcess,
} from "@hestia/server/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createClient, type Message } from "../src/index";
import { makeFriends, type SignedIn, signUp } from "./setup";

/**
 * Faults on a two-process deployment with a Redis of its own: Redis killed and restarted, a process
 * killed in the middle of a burst, database connections killed. Whatever happens, no acknowledged
 * message is lost or stored twice, and every client ends with the whole conversation by itself.
 */
const runnable = hasRedisServer();
if (!runnable && process.env.TEST_REQUIRE_REDIS) throw new Error("TEST_REQUIRE_REDIS is set but redis-server is not installed");

/** A client that keeps retrying a send (same idempotency key) for several seconds. */
const patient = { retry: { retries: 6, delayMs: 100 }, realtime: { retry: { retries: 6, delayMs: 100 } } };
const contents = (messages: Message[]) => messages.map((message) => message.content);
const upTo = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => `${prefix} ${i + 1}`);

/** Every DM a client receives live, and whether each content came once. */
function inbox(user: SignedIn) {
  const received: Message[] = [];
  user.client.realtime.on("newDM", (message) => received.push(message));
  return received;
}

describe.skipIf(!runnable)("staying whole through faults", () => {
  let redis: PrivateRedis;
  let deployment: Deployment;
  let first: ServerProcess;
  let second: ServerProcess;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    deployment = createDeployment({ REDIS_URL: redis.url, PRESENCE_TTL_SECONDS: "2" });
    [first, second] = await Promise.all([startServerProcess(deployment), startServerProcess(deployment)]);
  });
  afterAll(async () => {
    await Promise.all([first?.kill("SIGKILL"), second?.kill("SIGKILL")]);
    await redis?.kill();
    await deployment?.drop();
  });

  it("Redis killed and restarted: sends go on, same-process delivery never waits, the other process's clients catch up by themselves", async () => {
    const [alice, carol] = await Promise.all([signUp({ url: first.url }, "alice"), signUp({ url: first.url }, "carol")]);
    const bob = await signUp({ url: second.url }, "bob");
    await Promise.all([makeFriends(alice, bob), makeFriends(alice, carol)]);
    const toBob = inbox(bob);
    const toCarol = inbox(carol);
    await Promise.all([alice, bob, carol].map((user) => user.client.realtime.connect()));

    const sent: string[] = [];
    const send = async (label: string) => {
      const startedAt = Date.now();
      await Promise.all([
        alice.client.realtime.sendDM({ toId: bob.id, content: label }),
        alice.client.realtime.sendDM({ toId: carol.id, content: label }),
      ]);
      sent.push(label);
      return Date.now() - startedAt;
    };

    for (const label of upTo(5, "before")) await send(label);
    await vi.waitFor(() => expect(contents(toBob)).toEqual(sent), { timeout: 10_000 });

    await redis.kill();
    const during = upTo(20, "during");
    const ackTimes: number[] = [];
    for (const label of during) {
      ackTimes.push(await send(label));
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // Stored and acknowledged at their usual pace; delivered at once on the sender's own process.
    expect(Math.max(...ackTimes)).toBeLessThan(2_000);
    await vi.waitFor(() => expect(contents(toCarol)).toEqual(sent), { timeout: 2_000 });

    // Still ready, and saying what is missing; logins answer promptly.
    for (const process of [first, second]) {
      const ready = await fetch(`${process.url}/health/ready`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ status: "ready", checks: { database: "ok", redis: "down" }, degraded: ["redis"] });
    }
    const loginStartedAt = Date.now();
    await createClient({ baseUrl: second.url }).auth.login({ username: bob.username, password: "password123" });
    expect(Date.now() - loginStartedAt).toBeLessThan(2_000);

    await redis.start();
    const restartedAt = Date.now();
    // Bob, on the other process, missed the messages sent during the outage; the resync brings them.
    await vi.waitFor(() => expect(contents(toBob)).toEqual(sent), { timeout: 8_000 });
    expect(Date.now() - restartedAt).toBeLessThan(8_000);

    for (const label of upTo(3, "after")) await send(label);
    await vi.waitFor(() => expect(contents(toBob)).toEqual(sent), { timeout: 5_000 });
    await vi.waitFor(() => expect(contents(toCarol)).toEqual(sent), { timeout: 10_000 });
    const history = await bob.client.dms.history(alice.id, { limit: 100 });
    expect(contents(history)).toEqual(sent);
    for (const user of [alice, bob, carol]) user.client.realtime.disconnect();
  });

  describe("a process killed in the middle of a burst", () => {
    let balancer: Balancer;
    let doomed: ServerProcess;
    beforeAll(async () => {
      doomed = await startServerProcess(deployment);
      balancer = await startBalancer([doomed.port, second.port]);
    });
    afterAll(async () => {
      await doomed?.kill("SIGKILL");
      await balancer?.close();
    });

    it("stores every message once, and the recipient gets each of them live, once, in order", async () => {
      const alice = await signUp({ url: balancer.url }, "alice", patient);
      const bob = await signUp({ url: second.url }, "bob");
      await makeFriends(alice, bob);
      const toBob = inbox(bob);
      await Promise.all([alice.client.realtime.connect(), bob.client.realtime.connect()]);
      // Bob has the conversation open (a conversation a client never saw is learned from its inbox).
      await bob.client.realtime.dmHistory({ otherId: alice.id });

      const burst = upTo(40, "burst");
      let acked = 0;
      const sends = burst.map((content) =>
        alice.client.realtime.sendDM({ toId: bob.id, content }).then((message) => {
          acked += 1;
          return message;
        }),
      );
      await vi.waitFor(() => expect(acked).toBeGreaterThan(5), { timeout: 10_000, interval: 5 });
      await doomed.kill("SIGKILL");
      const stored = await Promise.all(sends);

      expect(contents(stored)).toEqual(burst);
      expect(new Set(stored.map((message) => message.id)).size).toBe(burst.length);
      // Messages the dead process acknowledged but whose broadcast died with it arrive once the others
      // notice the death (its entry in Redis expires: PRESENCE_TTL_SECONDS) and tell their sockets to catch up.
      await vi.waitFor(() => expect(contents(toBob)).toEqual(burst), { timeout: 10_000 });
      expect(contents(await bob.client.dms.history(alice.id, { limit: 100 }))).toEqual(burst);
      for (const user of [alice, bob]) user.client.realtime.disconnect();
    });
  });

  it.skipIf(!deploymentIsMariaDb())("database connections killed: sends are retried on UNAVAILABLE and stored once each", async () => {
    const alice = await signUp({ url: first.url }, "alice", patient);
    const bob = await signUp({ url: first.url }, "bob");
    await makeFriends(alice, bob);
    const toBob = inbox(bob);
    await Promise.all([alice.client.realtime.connect(), bob.client.realtime.connect()]);

    const database = new URL(deployment.env.DATABASE_URL ?? "").pathname.slice(1);
    const killer = setInterval(() => killConnections(database), 150);
    const burst = upTo(40, "db");
    const stored: Message[] = [];
    try {
      for (const content of burst) stored.push(await alice.client.realtime.sendDM({ toId: bob.id, content }));
    } finally {
      clearInterval(killer);
    }
    expect(contents(stored)).toEqual(burst);
    await vi.waitFor(() => expect(contents(toBob)).toEqual(burst), { timeout: 10_000 });
    expect(contents(await bob.client.dms.history(alice.id, { limit: 100 }))).toEqual(burst);
  });
});

function deploymentIsMariaDb(): boolean {
  return process.env.TEST_DATABASE === "mariadb";
}

/** Kills every MariaDB connection to one database (as a failover or a network cut would). */
function killConnections(database: string): void {
  const url = new URL(process.env.TEST_MARIADB_URL ?? "mysql://root@127.0.0.1:3306");
  const sql =
    "SELECT CONCAT('KILL CONNECTION ', id, ';') FROM information_schema.processlist " +
    `WHERE db = '${database.replace(/[^\w]/g, "")}' AND id <> CONNECTION_ID()`;
  const args = ["-u", decodeURIComponent(url.username || "root"), "-h", url.hostname, "-P", url.port || "3306", "-N", "-e", sql];
  if (url.password) args.push(`-p${decodeURIComponent(url.password)}`);
  const statements = spawnSync("mariadb", args, { encoding: "utf8" }).stdout;
  if (statements?.trim()) spawnSync("mariadb", [...args.slice(0, -1), statements], { encoding: "utf8" });
}
