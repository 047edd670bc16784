import { beforeAll, describe, expect, it } from "vitest";
import { grantAdmin } from "./admin-cli";
import { on, twoProcessesWithRedis } from "./cluster-setup";
import { api, befriend, connect, redisForTests, registerUser, type TestUser } from "./helpers";

const redisUrl = await redisForTests();

/** A block or a suspension made through one process takes effect at once on every other. */
describe.skipIf(!redisUrl)("blocks and suspensions across two processes", () => {
  const cluster = twoProcessesWithRedis(redisUrl);
  let admin: TestUser;
  beforeAll(async () => {
    admin = await registerUser(on(cluster.first), "admin");
    await grantAdmin(cluster.deployment.env, admin.username);
  });

  it("a block on one process refuses the blocked user's next DM on the other", async () => {
    const [alice, bob] = await Promise.all([registerUser(on(cluster.first)), registerUser(on(cluster.first))]);
    await befriend(on(cluster.first), alice, bob);
    const dm = () => api(on(cluster.second), "POST", `/messages/direct/${alice.id}`, { token: bob.token, body: { content: "hi" } });
    // The second process has the friendship cached once this succeeds.
    expect((await dm()).status).toBe(201);
    expect((await api(on(cluster.first), "POST", `/users/${bob.id}/block`, { token: alice.token })).status).toBe(200);
    expect((await dm()).status).toBe(403);
  });

  it("a suspension on one process closes the user's socket on the other and refuses their token there", async () => {
    const target = await registerUser(on(cluster.first), "target");
    expect((await api(on(cluster.second), "GET", "/users/me", { token: target.token })).status).toBe(200);
    const socket = await connect(on(cluster.second), target.token);
    const closed = new Promise<string>((resolve) => socket.once("disconnect", resolve));
    expect((await api(on(cluster.first), "POST", `/admin/users/${target.id}/suspend`, { token: admin.token, body: {} })).status).toBe(200);
    expect(await closed).toBe("io server disconnect");
    const refused = await api(on(cluster.second), "GET", "/users/me", { token: target.token });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe("SUSPENDED");
  });
});
