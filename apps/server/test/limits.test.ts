import type { Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { on, twoProcessesWithRedis } from "./cluster-setup";
import {
  api,
  befriend,
  connect,
  emitAck,
  eventually,
  redisForTests,
  registerUser,
  startServer,
  type TestServer,
  type TestUser,
} from "./helpers";

const limited = { error: expect.stringMatching(/^Too many/), code: "RATE_LIMITED", retryAfterMs: expect.any(Number) };

/** The REST refusal of a limit: 429, a Retry-After header in whole seconds, and the body with retryAfterMs. */
function expectRefused(answer: { status: number; headers: Headers; body: any }) {
  expect(answer.status).toBe(429);
  expect(answer.body).toEqual(limited);
  expect(answer.body.retryAfterMs).toBeGreaterThan(0);
  expect(Number(answer.headers.get("retry-after"))).toBe(Math.ceil(answer.body.retryAfterMs / 1000));
}

const dm = (server: TestServer, from: TestUser, to: TestUser, content: string) =>
  api(server, "POST", `/messages/direct/${to.id}`, { token: from.token, body: { content } });

describe("per-user limits", () => {
  let server: TestServer;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    server = await startServer({
      RATE_LIMIT_SENDS: "4/1h",
      RATE_LIMIT_FRIEND_REQUESTS: "2/1h",
      RATE_LIMIT_LOOKUPS: "3/1h",
      MAX_SOCKETS_PER_USER: "2",
    });
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await server.close();
  });
  const open = async (user: TestUser) => {
    const socket = await connect(server, user.token);
    sockets.push(socket);
    return socket;
  };

  it("sends count across sockets and REST, DMs and groups; past the limit: 429 or a RATE_LIMITED ack; others are unaffected", async () => {
    const [alice, bob, carol] = [
      await registerUser(server, "alice"),
      await registerUser(server, "bob"),
      await registerUser(server, "carol"),
    ];
    await befriend(server, alice, bob);
    await befriend(server, carol, bob);
    const group = await api(server, "POST", "/groups", { token: alice.token, body: { name: "Limited" } });
    const [phone, laptop] = [await open(alice), await open(alice)];
    expect(await emitAck(phone, "sendDM", { toId: bob.id, content: "1" })).toMatchObject({ content: "1" });
    expect(await emitAck(laptop, "sendGroupMessage", { groupId: group.body.id, content: "2" })).toMatchObject({ content: "2" });
    expect((await dm(server, alice, bob, "3")).status).toBe(201);
    expect((await api(server, "POST", `/groups/${group.body.id}/messages`, { token: alice.token, body: { content: "4" } })).status).toBe(
      201,
    );

    expect(await emitAck(phone, "sendDM", { toId: bob.id, content: "5" })).toEqual(limited);
    expect(await emitAck(laptop, "sendGroupMessage", { groupId: group.body.id, content: "6" })).toEqual(limited);
    expectRefused(await dm(server, alice, bob, "7"));
    const viaTrpc = await api(server, "POST", "/trpc/messages.sendDirect", { token: alice.token, body: { userId: bob.id, content: "8" } });
    expect(viaTrpc.status).toBe(429);
    expect(viaTrpc.body.error.data).toMatchObject({ appCode: "RATE_LIMITED", retryAfterMs: expect.any(Number) });

    // Nothing refused was stored.
    const history = await api(server, "GET", `/messages/direct/${alice.id}`, { token: bob.token });
    expect(history.body.map((message: { content: string }) => message.content)).toEqual(["1", "3"]);
    // Another user sends as before, on a socket and over REST.
    const carols = await open(carol);
    expect(await emitAck(carols, "sendDM", { toId: bob.id, content: "from carol" })).toMatchObject({ content: "from carol" });
    expect((await dm(server, carol, bob, "again")).status).toBe(201);
  });

  it("a socket's sends are counted as they arrive, not one after another, and still stored in order", async () => {
    const [sender, receiver] = [await registerUser(server, "eager"), await registerUser(server, "patient")];
    await befriend(server, sender, receiver);
    const socket = await open(sender);
    const limits = server.app.deps.limits;
    // Counts that take their time, as a Redis round trip does; none answers until all three were asked.
    const asked: string[] = [];
    let answer = () => {};
    const answered = new Promise<void>((resolve) => {
      answer = resolve;
    });
    server.app.deps.limits = {
      consume: async (name, key) => {
        asked.push(name);
        await answered;
        return limits.consume(name, key);
      },
    };
    try {
      const acks = ["a", "b", "c"].map((content) => emitAck(socket, "sendDM", { toId: receiver.id, content }));
      await eventually(() => expect(asked).toEqual(["sends", "sends", "sends"]));
      answer();
      const sent = await Promise.all(acks);
      expect(sent.map((message) => message.content)).toEqual(["a", "b", "c"]);
      expect(sent.map((message) => message.seq)).toEqual([1, 2, 3]);
    } finally {
      server.app.deps.limits = limits;
    }
  });

  it("friend requests and user lookups have limits of their own", async () => {
    const [asker, x, y, z] = (await Promise.all(["asker", "x", "y", "z"].map((name) => registerUser(server, name)))) as [
      TestUser,
      TestUser,
      TestUser,
      TestUser,
    ];
    expect((await api(server, "POST", `/friends/request/${x.id}`, { token: asker.token })).status).toBe(200);
    expect((await api(server, "POST", `/friends/request/${y.id}`, { token: asker.token })).status).toBe(200);
    expectRefused(await api(server, "POST", `/friends/request/${z.id}`, { token: asker.token }));
    expect((await api(server, "POST", `/friends/request/${asker.id}`, { token: z.token })).status).toBe(200);

    expect((await api(server, "GET", `/users/by-id/${x.id}`, { token: asker.token })).status).toBe(200);
    expect((await api(server, "GET", `/users/by-username/${y.username}`, { token: asker.token })).status).toBe(200);
    expect((await api(server, "GET", `/users/by-id/${z.id}`, { token: asker.token })).status).toBe(200);
    expectRefused(await api(server, "GET", `/users/by-id/${z.id}`, { token: asker.token }));
    // Your own profile is no lookup.
    expect((await api(server, "GET", "/users/me", { token: asker.token })).status).toBe(200);
    expect((await api(server, "GET", `/users/by-id/${asker.id}`, { token: x.token })).status).toBe(200);
  });

  it("a user holds at most MAX_SOCKETS_PER_USER sockets: the next is refused with a clear connect_error, until one closes", async () => {
    const [dave, erin] = [await registerUser(server, "dave"), await registerUser(server, "erin")];
    const first = await connect(server, dave.token);
    await open(dave);
    const refused = await connect(server, dave.token).then(
      () => undefined,
      (error: Error & { data?: unknown }) => error,
    );
    expect(refused?.message).toMatch(/Too many connections: a user may hold 2 sockets at once/);
    expect(refused?.data).toEqual({ error: refused?.message, code: "RATE_LIMITED" });
    await open(erin);
    first.close();
    // The server handles the close asynchronously; a new connection is let in once it has.
    await eventually(async () => {
      sockets.push(await connect(server, dave.token));
    });
  });
});

describe("burst", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ RATE_LIMIT_SENDS: "2/2s burst 3/1h" });
  });
  afterAll(() => server.close());

  it("a burst of window + burst sends, then the window's rate, with the wait given in retryAfterMs", async () => {
    const [alice, bob] = [await registerUser(server, "alice"), await registerUser(server, "bob")];
    await befriend(server, alice, bob);
    for (let i = 1; i <= 5; i++) expect((await dm(server, alice, bob, `${i}`)).status, `${i}`).toBe(201);
    const refused = await dm(server, alice, bob, "6");
    expectRefused(refused);
    expect(refused.body.retryAfterMs).toBeLessThanOrEqual(2_000);
    await new Promise((resolve) => setTimeout(resolve, refused.body.retryAfterMs));
    expect((await dm(server, alice, bob, "after the wait")).status).toBe(201);
  });
});

const redisUrl = await redisForTests();

describe.skipIf(!redisUrl)("limits across two processes (Redis)", () => {
  const cluster = twoProcessesWithRedis(redisUrl, { RATE_LIMIT_SENDS: "4/1h", MAX_SOCKETS_PER_USER: "2" });

  it("the send limit is one count for a user on every process", async () => {
    const [alice, bob] = [await registerUser(on(cluster.first), "alice"), await registerUser(on(cluster.first), "bob")];
    await befriend(on(cluster.first), alice, bob);
    const socket = await connect(on(cluster.first), alice.token);
    try {
      expect(await emitAck(socket, "sendDM", { toId: bob.id, content: "1" })).toMatchObject({ content: "1" });
      expect((await dm(on(cluster.second), alice, bob, "2")).status).toBe(201);
      expect((await dm(on(cluster.first), alice, bob, "3")).status).toBe(201);
      expect((await dm(on(cluster.second), alice, bob, "4")).status).toBe(201);
      expect(await emitAck(socket, "sendDM", { toId: bob.id, content: "5" })).toEqual(limited);
      expectRefused(await dm(on(cluster.second), alice, bob, "6"));
      expect((await dm(on(cluster.second), bob, alice, "bob is not limited")).status).toBe(201);
    } finally {
      socket.close();
    }
  });

  it("sockets per user are counted on every process", async () => {
    const user = await registerUser(on(cluster.first), "many");
    const [a, b] = [await connect(on(cluster.first), user.token), await connect(on(cluster.second), user.token)];
    try {
      await expect(connect(on(cluster.first), user.token)).rejects.toThrow(/Too many connections/);
      await expect(connect(on(cluster.second), user.token)).rejects.toThrow(/Too many connections/);
    } finally {
      a.close();
      b.close();
    }
  });
});
