import { describe, expect, it } from "vitest";
import { on, twoProcessesWithRedis } from "./cluster-setup";
import { api, connect, redisForTests, registerUser, type ServerProcess, type TestUser } from "./helpers";

const redisUrl = await redisForTests();

/**
 * The checks of every request and send (the token's user, friendship, membership) are answered from
 * each process's cache. A change made through one process must stop the very next request on another.
 */
describe.skipIf(!redisUrl)("cached checks across two processes", () => {
  const cluster = twoProcessesWithRedis(redisUrl);

  async function friends(a: TestUser, b: TestUser) {
    expect((await api(on(cluster.first), "POST", `/friends/request/${b.id}`, { token: a.token })).status).toBe(200);
    expect((await api(on(cluster.first), "POST", `/friends/accept/${a.id}`, { token: b.token })).status).toBe(200);
  }
  const dm = (process: ServerProcess, from: TestUser, to: TestUser, content: string) =>
    api(on(process), "POST", `/messages/direct/${to.id}`, { token: from.token, body: { content } });

  it("an unfriend on one process refuses the next DM on the other", async () => {
    const alice = await registerUser(on(cluster.first), "alice");
    const bob = await registerUser(on(cluster.first), "bob");
    await friends(alice, bob);
    // The second process has the friendship cached once this succeeds.
    expect((await dm(cluster.second, alice, bob, "before")).status).toBe(201);
    expect((await api(on(cluster.first), "DELETE", `/friends/${alice.id}`, { token: bob.token })).status).toBe(200);
    const after = await dm(cluster.second, alice, bob, "after");
    expect(after.status).toBe(403);
    expect(after.body.code).toBe("FORBIDDEN");
  });

  it("a removal from a group on one process refuses the member's next send on the other", async () => {
    const owner = await registerUser(on(cluster.first), "owner");
    const member = await registerUser(on(cluster.first), "member");
    await friends(owner, member);
    const group = await api(on(cluster.first), "POST", "/groups", { token: owner.token, body: { name: "Cached" } });
    expect((await api(on(cluster.first), "POST", `/groups/${group.body.id}/members/${member.id}`, { token: owner.token })).status).toBe(
      200,
    );
    const send = () =>
      api(on(cluster.second), "POST", `/groups/${group.body.id}/messages`, { token: member.token, body: { content: "hi" } });
    expect((await send()).status).toBe(201);
    expect((await api(on(cluster.first), "DELETE", `/groups/${group.body.id}/members/${member.id}`, { token: owner.token })).status).toBe(
      204,
    );
    expect((await send()).status).toBe(404);
  });

  it("sign-out-everywhere on one process refuses the old token at once on the other", async () => {
    const user = await registerUser(on(cluster.first), "leaver");
    expect((await api(on(cluster.second), "GET", "/users/me", { token: user.token })).status).toBe(200);
    const out = await api(on(cluster.first), "POST", "/auth/sign-out-everywhere", { token: user.token });
    expect(out.status).toBe(200);
    expect((await api(on(cluster.second), "GET", "/users/me", { token: user.token })).status).toBe(401);
    expect((await api(on(cluster.second), "GET", "/users/me", { token: out.body.token })).status).toBe(200);
  });

  it("an account deleted on one process is refused at once on the other, and cannot send", async () => {
    const doomed = await registerUser(on(cluster.first), "doomed");
    const friend = await registerUser(on(cluster.first), "friend");
    await friends(doomed, friend);
    expect((await dm(cluster.second, doomed, friend, "last words")).status).toBe(201);
    expect((await api(on(cluster.first), "DELETE", "/users/me", { token: doomed.token })).status).toBe(204);
    expect((await dm(cluster.second, doomed, friend, "from beyond")).status).toBe(401);
    // The friend's view: the other account is gone.
    expect((await dm(cluster.second, friend, doomed, "hello?")).status).toBe(404);
  });

  it("a session revoked on one process closes its socket on the other within a second", async () => {
    const user = await registerUser(on(cluster.first), "roamer");
    const device = await api(on(cluster.first), "POST", "/auth/login", { body: { username: user.username, password: user.password } });
    const socket = await connect(on(cluster.second), device.body.token);
    const closed = new Promise<number>((resolve) => socket.once("disconnect", () => resolve(Date.now())));
    const sid = JSON.parse(Buffer.from(device.body.token.split(".")[1], "base64url").toString()).sid;
    const revokedAt = Date.now();
    expect((await api(on(cluster.first), "DELETE", `/auth/sessions/${sid}`, { token: user.token })).status).toBe(204);
    expect((await closed) - revokedAt).toBeLessThan(1_000);
    expect((await api(on(cluster.second), "GET", "/users/me", { token: device.body.token })).status).toBe(401);
    expect((await api(on(cluster.second), "GET", "/users/me", { token: user.token })).status).toBe(200);
  });
});
