import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { grantAdmin } from "./admin-cli";
import {
  api,
  befriend,
  connect,
  createDeployment,
  type Deployment,
  redisForTests,
  redisNamespace,
  registerUser,
  type ServerProcess,
  startServerProcess,
  type TestServer,
  type TestUser,
} from "./helpers";

const redisUrl = await redisForTests();

/** A block or a suspension made through one process takes effect at once on every other. */
describe.skipIf(!redisUrl)("blocks and suspensions across two processes", () => {
  const namespace = redisNamespace(redisUrl ?? "redis://unused");
  let deployment: Deployment;
  let first: ServerProcess;
  let second: ServerProcess;
  let admin: TestUser;
  const on = (process: ServerProcess) => ({ url: process.url }) as TestServer;

  beforeAll(async () => {
    deployment = createDeployment({ REDIS_URL: redisUrl ?? "", REDIS_PREFIX: namespace.prefix });
    [first, second] = await Promise.all([startServerProcess(deployment), startServerProcess(deployment)]);
    admin = await registerUser(on(first), "admin");
    await grantAdmin(deployment.env, admin.username);
  });
  afterAll(async () => {
    await Promise.all([first?.kill("SIGKILL"), second?.kill("SIGKILL")]);
    await deployment?.drop();
    await namespace.drop();
  });

  it("a block on one process refuses the blocked user's next DM on the other", async () => {
    const [alice, bob] = await Promise.all([registerUser(on(first)), registerUser(on(first))]);
    await befriend(on(first), alice, bob);
    const dm = () => api(on(second), "POST", `/messages/direct/${alice.id}`, { token: bob.token, body: { content: "hi" } });
    // The second process has the friendship cached once this succeeds.
    expect((await dm()).status).toBe(201);
    expect((await api(on(first), "POST", `/users/${bob.id}/block`, { token: alice.token })).status).toBe(200);
    expect((await dm()).status).toBe(403);
  });

  it("a suspension on one process closes the user's socket on the other and refuses their token there", async () => {
    const target = await registerUser(on(first), "target");
    expect((await api(on(second), "GET", "/users/me", { token: target.token })).status).toBe(200);
    const socket = await connect(on(second), target.token);
    const closed = new Promise<string>((resolve) => socket.once("disconnect", resolve));
    expect((await api(on(first), "POST", `/admin/users/${target.id}/suspend`, { token: admin.token, body: {} })).status).toBe(200);
    expect(await closed).toBe("io server disconnect");
    const refused = await api(on(second), "GET", "/users/me", { token: target.token });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe("SUSPENDED");
  });
});
