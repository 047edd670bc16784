import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, expectCleanError, freshProfile, registerUser, startServer, type TestServer, type TestUser } from "./helpers";

describe("friends", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.close());

  const pair = () => Promise.all([registerUser(server, "alice"), registerUser(server, "bob")]);
  const post = (user: TestUser, path: string) => api(server, "POST", path, { token: user.token });
  const ids = async (user: TestUser, path: string) =>
    ((await api(server, "GET", path, { token: user.token })).body as { id: number }[]).map((profile) => profile.id);
  const friendIds = (user: TestUser) => ids(user, "/friends");
  const incomingIds = (user: TestUser) => ids(user, "/friends/requests");
  const outgoingIds = (user: TestUser) => ids(user, "/friends/requests/outgoing");
  const rowsBetween = async (a: TestUser, b: TestUser) => {
    const db = server.app.deps.db;
    const [low, high] = a.id < b.id ? [a.id, b.id] : [b.id, a.id];
    return {
      friendships: await db.friendship.count({ where: { userLowId: low, userHighId: high } }),
      requests: await db.friendRequest.count({
        where: {
          OR: [
            { senderId: a.id, receiverId: b.id },
            { senderId: b.id, receiverId: a.id },
          ],
        },
      }),
    };
  };
  const befriend = async (a: TestUser, b: TestUser) => {
    expect((await post(a, `/friends/request/${b.id}`)).status).toBe(200);
    expect((await post(b, `/friends/accept/${a.id}`)).status).toBe(200);
  };
  it("request (no body, no content type), see it on both sides, accept: both are friends and the request is gone", async () => {
    const [alice, bob] = await pair();
    const sent = await post(alice, `/friends/request/${bob.id}`);
    expect(sent.status).toBe(200);
    expect(sent.body).toEqual({ success: true });

    const incoming = await api(server, "GET", "/friends/requests", { token: bob.token });
    expect(incoming.status).toBe(200);
    expect(incoming.body).toEqual([{ ...freshProfile(alice), requestedAt: expect.any(String) }]);
    expect(new Date(incoming.body[0].requestedAt).toISOString()).toBe(incoming.body[0].requestedAt);
    const outgoing = await api(server, "GET", "/friends/requests/outgoing", { token: alice.token });
    expect(outgoing.body).toEqual([{ ...freshProfile(bob), requestedAt: incoming.body[0].requestedAt }]);
    expect(await friendIds(alice)).toEqual([]);

    const accepted = await post(bob, `/friends/accept/${alice.id}`);
    expect(accepted.status).toBe(200);
    expect(accepted.body).toEqual({ success: true });
    expect((await api(server, "GET", "/friends", { token: alice.token })).body).toEqual([freshProfile(bob)]);
    expect((await api(server, "GET", "/friends", { token: bob.token })).body).toEqual([freshProfile(alice)]);
    expect(await incomingIds(bob)).toEqual([]);
    expect(await outgoingIds(alice)).toEqual([]);
  });

  it("lists friends ordered by username, ignoring letter case", async () => {
    const me = await registerUser(server, "me");
    const others = [await registerUser(server, "zed"), await registerUser(server, "Mia"), await registerUser(server, "amy")];
    for (const other of others) await befriend(me, other);
    const names = ((await api(server, "GET", "/friends", { token: me.token })).body as { username: string }[]).map((p) => p.username);
    expect(names.map((name) => name.split("_")[0])).toEqual(["amy", "Mia", "zed"]);
  });

  it("refuses a request to yourself (400), to an unknown user (404) and to a friend (409), in the error shape", async () => {
    const [alice, bob] = await pair();
    const self = await post(alice, `/friends/request/${alice.id}`);
    expect(self.status).toBe(400);
    expect(self.body).toEqual({ error: expect.any(String), code: "BAD_REQUEST" });

    const unknown = await post(alice, "/friends/request/999999");
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ error: "User not found", code: "NOT_FOUND" });

    await befriend(alice, bob);
    for (const [from, to] of [
      [alice, bob],
      [bob, alice],
    ] as const) {
      const again = await post(from, `/friends/request/${to.id}`);
      expect(again.status).toBe(409);
      expect(again.body).toEqual({ error: expect.any(String), code: "ALREADY_FRIENDS" });
    }
    expect(await rowsBetween(alice, bob)).toEqual({ friendships: 1, requests: 0 });
  });

  it("repeating a pending request is a no-op success", async () => {
    const [alice, bob] = await pair();
    for (let i = 0; i < 3; i++) expect((await post(alice, `/friends/request/${bob.id}`)).body).toEqual({ success: true });
    expect(await incomingIds(bob)).toEqual([alice.id]);
    expect(await rowsBetween(alice, bob)).toEqual({ friendships: 0, requests: 1 });
  });

  it("asking someone who already asked you makes you friends", async () => {
    const [alice, bob] = await pair();
    await post(alice, `/friends/request/${bob.id}`);
    const back = await post(bob, `/friends/request/${alice.id}`);
    expect(back.status).toBe(200);
    expect(back.body).toEqual({ success: true });
    expect(await friendIds(alice)).toEqual([bob.id]);
    expect(await friendIds(bob)).toEqual([alice.id]);
    expect(await rowsBetween(alice, bob)).toEqual({ friendships: 1, requests: 0 });
  });

  it("accepting without a pending request from that user is 404, including your own outgoing request", async () => {
    const [alice, bob] = await pair();
    const none = await post(bob, `/friends/accept/${alice.id}`);
    expect(none.status).toBe(404);
    expect(none.body).toEqual({ error: expect.any(String), code: "NOT_FOUND" });
    await post(alice, `/friends/request/${bob.id}`);
    expect((await post(alice, `/friends/accept/${bob.id}`)).status).toBe(404);
    expect((await post(bob, "/friends/accept/999999")).status).toBe(404);
    expect(await friendIds(alice)).toEqual([]);
  });

  it("declines an incoming request; the sender may ask again", async () => {
    const [alice, bob] = await pair();
    await post(alice, `/friends/request/${bob.id}`);
    const declined = await post(bob, `/friends/decline/${alice.id}`);
    expect(declined.status).toBe(200);
    expect(declined.body).toEqual({ success: true });
    expect(await incomingIds(bob)).toEqual([]);
    expect(await outgoingIds(alice)).toEqual([]);
    expect(await friendIds(bob)).toEqual([]);
    const again = await post(bob, `/friends/decline/${alice.id}`);
    expect(again.status).toBe(404);
    expect(again.body.code).toBe("NOT_FOUND");
    expect((await post(alice, `/friends/request/${bob.id}`)).status).toBe(200);
    expect(await incomingIds(bob)).toEqual([alice.id]);
  });

  it("cancels an outgoing request with DELETE /friends/requests/:id", async () => {
    const [alice, bob] = await pair();
    await post(alice, `/friends/request/${bob.id}`);
    expect((await api(server, "DELETE", `/friends/requests/${alice.id}`, { token: bob.token })).status).toBe(404);
    const cancelled = await api(server, "DELETE", `/friends/requests/${bob.id}`, { token: alice.token });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toEqual({ success: true });
    expect(await incomingIds(bob)).toEqual([]);
    expect(await outgoingIds(alice)).toEqual([]);
    const again = await api(server, "DELETE", `/friends/requests/${bob.id}`, { token: alice.token });
    expect(again.status).toBe(404);
    expect(again.body.code).toBe("NOT_FOUND");
  });

  it("lists outgoing requests newest first", async () => {
    const me = await registerUser(server, "me");
    const first = await registerUser(server, "first");
    const second = await registerUser(server, "second");
    await post(me, `/friends/request/${first.id}`);
    await post(me, `/friends/request/${second.id}`);
    expect(await outgoingIds(me)).toEqual([second.id, first.id]);
    expect(await incomingIds(me)).toEqual([]);
  });

  it("removes a friend on both sides; removing again is 404; they may become friends again", async () => {
    const [alice, bob] = await pair();
    await befriend(alice, bob);
    const removed = await api(server, "DELETE", `/friends/${alice.id}`, { token: bob.token });
    expect(removed.status).toBe(200);
    expect(removed.body).toEqual({ success: true });
    expect(await friendIds(alice)).toEqual([]);
    expect(await friendIds(bob)).toEqual([]);
    const again = await api(server, "DELETE", `/friends/${bob.id}`, { token: alice.token });
    expect(again.status).toBe(404);
    expect(again.body).toEqual({ error: expect.any(String), code: "NOT_FOUND" });
    await befriend(bob, alice);
    expect(await friendIds(alice)).toEqual([bob.id]);
  });

  const routes = (id: string) =>
    [
      ["GET", "/friends"],
      ["DELETE", `/friends/${id}`],
      ["POST", `/friends/request/${id}`],
      ["GET", "/friends/requests"],
      ["GET", "/friends/requests/outgoing"],
      ["POST", `/friends/accept/${id}`],
      ["POST", `/friends/decline/${id}`],
      ["DELETE", `/friends/requests/${id}`],
    ] as const;

  it("requires a token for every /friends endpoint", async () => {
    for (const [method, path] of routes("1")) {
      const response = await api(server, method, path);
      expect(response.status, `${method} ${path}`).toBe(401);
      expect(response.body.code).toBe("UNAUTHORIZED");
    }
  });

  it("answers 400 for a malformed user id", async () => {
    const alice = await registerUser(server, "alice");
    for (const bad of ["abc", "0", "-1", "1.5"]) {
      for (const [method, path] of routes(bad).filter(([, path]) => path.endsWith(bad))) {
        const response = await api(server, method, path, { token: alice.token });
        expect(response.status, `${method} ${path}`).toBe(400);
        expect(response.body).toEqual({ error: expect.any(String), code: "VALIDATION_ERROR", details: expect.any(Array) });
        expectCleanError(response.text);
      }
    }
  });

  it("two simultaneous identical requests store one request and both succeed", async () => {
    for (let round = 0; round < 5; round++) {
      const [alice, bob] = await pair();
      const responses = await Promise.all([0, 1, 2].map(() => post(alice, `/friends/request/${bob.id}`)));
      for (const response of responses) expect(response.body).toEqual({ success: true });
      expect(await rowsBetween(alice, bob)).toEqual({ friendships: 0, requests: 1 });
    }
  });

  it("two users asking each other at the same moment end as friends with no requests left", async () => {
    for (let round = 0; round < 5; round++) {
      const [alice, bob] = await pair();
      const responses = await Promise.all([post(alice, `/friends/request/${bob.id}`), post(bob, `/friends/request/${alice.id}`)]);
      for (const response of responses) expect(response.body).toEqual({ success: true });
      expect(await rowsBetween(alice, bob)).toEqual({ friendships: 1, requests: 0 });
      expect(await friendIds(alice)).toEqual([bob.id]);
    }
  });

  it("a deleted account disappears from friends and from both request lists", async () => {
    const me = await registerUser(server, "me");
    const [friend, asker, asked] = await Promise.all([
      registerUser(server, "friend"),
      registerUser(server, "asker"),
      registerUser(server, "asked"),
    ]);
    await befriend(me, friend);
    await post(asker, `/friends/request/${me.id}`);
    await post(me, `/friends/request/${asked.id}`);
    expect(await friendIds(me)).toEqual([friend.id]);
    expect(await incomingIds(me)).toEqual([asker.id]);
    expect(await outgoingIds(me)).toEqual([asked.id]);

    for (const gone of [friend, asker, asked]) {
      expect((await api(server, "DELETE", "/users/me", { token: gone.token })).status).toBe(204);
    }
    expect(await friendIds(me)).toEqual([]);
    expect(await incomingIds(me)).toEqual([]);
    expect(await outgoingIds(me)).toEqual([]);
    expect((await post(me, `/friends/request/${friend.id}`)).status).toBe(404);
  });
});
