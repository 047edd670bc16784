import { describe, expect, it } from "vitest";
import { api, befriend, connect, emitAck, registerUser, type TestUser } from "./helpers";
import { serverWithFakeFcm } from "./push-setup";

const push = serverWithFakeFcm();

const block = (by: TestUser, whom: TestUser | number) =>
  api(push.server, "POST", `/users/${typeof whom === "number" ? whom : whom.id}/block`, { token: by.token });
const unblock = (by: TestUser, whom: TestUser) => api(push.server, "DELETE", `/users/${whom.id}/block`, { token: by.token });
const ids = (response: { body: { id: number }[] }) => response.body.map((user) => user.id);
const dm = (from: TestUser, to: TestUser, content: string) =>
  api(push.server, "POST", `/messages/direct/${to.id}`, { token: from.token, body: { content } });

describe("blocking", () => {
  it("ends the friendship, and pending requests in either direction", async () => {
    const [alice, friend, asker, asked] = await Promise.all([
      registerUser(push.server),
      registerUser(push.server),
      registerUser(push.server),
      registerUser(push.server),
    ]);
    await befriend(push.server, alice, friend);
    expect((await api(push.server, "POST", `/friends/request/${alice.id}`, { token: asker.token })).status).toBe(200);
    expect((await api(push.server, "POST", `/friends/request/${asked.id}`, { token: alice.token })).status).toBe(200);

    for (const user of [friend, asker, asked]) expect((await block(alice, user)).body).toEqual({ success: true });

    expect(ids(await api(push.server, "GET", "/friends", { token: alice.token }))).toEqual([]);
    expect(ids(await api(push.server, "GET", "/friends", { token: friend.token }))).toEqual([]);
    expect(ids(await api(push.server, "GET", "/friends/requests", { token: alice.token }))).toEqual([]);
    expect(ids(await api(push.server, "GET", "/friends/requests/outgoing", { token: asker.token }))).toEqual([]);
    expect(ids(await api(push.server, "GET", "/friends/requests/outgoing", { token: alice.token }))).toEqual([]);
    expect(ids(await api(push.server, "GET", "/friends/requests", { token: asked.token }))).toEqual([]);
  });

  it("refuses friend requests both ways while it stands (403); unblocking does not restore the friendship", async () => {
    const [alice, bob] = await Promise.all([registerUser(push.server), registerUser(push.server)]);
    await befriend(push.server, alice, bob);
    await block(alice, bob);

    const fromBlocked = await api(push.server, "POST", `/friends/request/${alice.id}`, { token: bob.token });
    expect(fromBlocked.status).toBe(403);
    expect(fromBlocked.body).toEqual({ error: expect.any(String), code: "FORBIDDEN" });
    expect(fromBlocked.body.error).not.toMatch(/block/i);
    const fromBlocker = await api(push.server, "POST", `/friends/request/${bob.id}`, { token: alice.token });
    expect(fromBlocker.status).toBe(403);
    expect(fromBlocker.body.error).toMatch(/unblock/);
    // The refused requests left nothing behind.
    expect(ids(await api(push.server, "GET", "/friends/requests", { token: alice.token }))).toEqual([]);
    expect(ids(await api(push.server, "GET", "/friends/requests", { token: bob.token }))).toEqual([]);

    expect((await unblock(alice, bob)).body).toEqual({ success: true });
    expect(ids(await api(push.server, "GET", "/friends", { token: alice.token }))).toEqual([]);
    expect((await api(push.server, "POST", `/friends/request/${alice.id}`, { token: bob.token })).status).toBe(200);
    expect((await api(push.server, "POST", `/friends/accept/${bob.id}`, { token: alice.token })).status).toBe(200);
    expect(ids(await api(push.server, "GET", "/friends", { token: alice.token }))).toEqual([bob.id]);
  });

  it("refuses the blocked user's DMs, over REST and sockets, with the same answer as for any non-friend", async () => {
    const [alice, bob, stranger] = await Promise.all([registerUser(push.server), registerUser(push.server), registerUser(push.server)]);
    await befriend(push.server, alice, bob);
    const bobSocket = await connect(push.server, bob.token);
    try {
      expect(await emitAck(bobSocket, "sendDM", { toId: alice.id, content: "before" })).toMatchObject({ content: "before" });
      expect((await dm(bob, alice, "before, over REST")).status).toBe(201);
      await block(alice, bob);

      const nonFriend = await dm(stranger, alice, "hello?");
      expect(nonFriend.status).toBe(403);
      const refused = await dm(bob, alice, "after");
      expect(refused.status).toBe(403);
      expect(refused.body).toEqual(nonFriend.body);
      const strangerSocket = await connect(push.server, stranger.token);
      const strangerAck = await emitAck(strangerSocket, "sendDM", { toId: alice.id, content: "hello?" });
      strangerSocket.close();
      expect(strangerAck).toEqual({ error: expect.any(String), code: "FORBIDDEN" });
      expect(await emitAck(bobSocket, "sendDM", { toId: alice.id, content: "after" })).toEqual(strangerAck);
      // And the other way round: the one who blocked cannot write either, as with anyone who is not a friend.
      expect((await dm(alice, bob, "hi")).status).toBe(403);
      // What was said before the block stays in the history of both.
      const history = await api(push.server, "GET", `/messages/direct/${bob.id}`, { token: alice.token });
      expect(history.body.map((message: { content: string }) => message.content)).toEqual(["before", "before, over REST"]);
    } finally {
      bobSocket.close();
    }
  });

  it("sends the one who blocked no push for the blocked user's messages in a shared group", async () => {
    const [alice, bob, carol] = await Promise.all([registerUser(push.server), registerUser(push.server), registerUser(push.server)]);
    await befriend(push.server, alice, bob);
    await befriend(push.server, alice, carol);
    const group = await api(push.server, "POST", "/groups", { token: alice.token, body: { name: "Shared" } });
    for (const member of [bob, carol]) {
      expect((await api(push.server, "POST", `/groups/${group.body.id}/members/${member.id}`, { token: alice.token })).status).toBe(200);
    }
    await block(alice, bob);
    for (const [user, token] of [
      [alice, "alice-blocker-phone"],
      [carol, "carol-bystander-phone"],
    ] as const) {
      expect((await api(push.server, "PATCH", "/users/fcm-token", { token: user.token, body: { token } })).status).toBe(200);
    }
    const send = async (from: TestUser, content: string) => {
      expect((await api(push.server, "POST", `/groups/${group.body.id}/messages`, { token: from.token, body: { content } })).status).toBe(
        201,
      );
      await push.server.app.deps.push.idle();
    };
    const pushed = (token: string) =>
      push.fcm
        .sends()
        .filter((message) => message.token === token)
        .map((message) => message.notification?.body);

    await send(bob, "from the blocked one");
    await send(carol, "from a friend");
    expect(pushed("carol-bystander-phone")).toEqual(["from the blocked one"]);
    expect(pushed("alice-blocker-phone")).toEqual(["from a friend"]);
  });

  it("is refused for yourself (400) and unknown users (404), and repeats change nothing", async () => {
    const [alice, bob] = await Promise.all([registerUser(push.server), registerUser(push.server)]);
    const self = await block(alice, alice);
    expect(self.status).toBe(400);
    expect(self.body.code).toBe("BAD_REQUEST");
    expect((await api(push.server, "DELETE", `/users/${alice.id}/block`, { token: alice.token })).status).toBe(400);
    const unknown = await block(alice, 2_000_000_000);
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe("NOT_FOUND");
    expect((await api(push.server, "DELETE", "/users/2000000000/block", { token: alice.token })).status).toBe(404);
    expect((await block(alice, bob)).status).toBe(200);
    expect((await block(alice, bob)).status).toBe(200);
    expect(ids({ body: (await api(push.server, "GET", "/users/blocked", { token: alice.token })).body.items })).toEqual([bob.id]);
    expect((await unblock(alice, bob)).status).toBe(200);
    expect((await unblock(alice, bob)).status).toBe(200);
    expect((await api(push.server, "GET", "/users/blocked", { token: alice.token })).body).toEqual({ items: [], nextCursor: null });
    expect((await api(push.server, "POST", `/users/${bob.id}/block`)).status).toBe(401);
  });

  it("lists blocked users most recent first, a page at a time; only your own", async () => {
    const alice = await registerUser(push.server);
    const others = await Promise.all([registerUser(push.server), registerUser(push.server), registerUser(push.server)]);
    for (const other of others) expect((await block(alice, other)).status).toBe(200);
    expect((await api(push.server, "GET", "/users/blocked", { token: others[0]!.token })).body.items).toEqual([]);

    const first = await api(push.server, "GET", "/users/blocked?limit=2", { token: alice.token });
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(2);
    expect(first.body.items[0]).toEqual({
      id: expect.any(Number),
      username: expect.any(String),
      bio: "",
      status: expect.any(String),
      profilePictureUrl: null,
      createdAt: expect.any(String),
      blockedAt: expect.any(String),
    });
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await api(push.server, "GET", `/users/blocked?limit=2&cursor=${first.body.nextCursor}`, { token: alice.token });
    expect(second.body.nextCursor).toBeNull();
    const listed = [...first.body.items, ...second.body.items];
    expect(listed.map((user: { id: number }) => user.id).sort()).toEqual(others.map((user) => user.id).sort());
    const times = listed.map((user: { blockedAt: string }) => user.blockedAt);
    expect(times).toEqual([...times].sort().reverse());

    const bad = await api(push.server, "GET", "/users/blocked?cursor=garbage", { token: alice.token });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe("BAD_REQUEST");
  });
});
