import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, registerUser, startServer, type TestServer, type TestUser } from "./helpers";

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ RATE_LIMIT_USER_SEARCH: "1000/1m" });
});
afterAll(() => server.close());

async function register(username: string): Promise<TestUser> {
  const password = "correct horse battery";
  const response = await api(server, "POST", "/auth/register", { body: { username, password } });
  expect(response.status).toBe(201);
  return { id: response.body.user.id, username, password, token: response.body.token };
}

const search = (user: TestUser, query: string) => api(server, "GET", `/users/search?${query}`, { token: user.token });
const names = async (user: TestUser, query: string) => {
  const response = await search(user, query);
  expect(response.status).toBe(200);
  return response.body.map((profile: { username: string }) => profile.username);
};

describe("user search", () => {
  it("finds usernames by prefix in any letter case, in username order, with public profiles only", async () => {
    const me = await register("Searcher1");
    await Promise.all(["ZoeQuick", "zoeslow", "ZOEY", "zoa", "xzoe"].map(register));
    expect(await names(me, "q=zoe")).toEqual(["ZoeQuick", "zoeslow", "ZOEY"]);
    expect(await names(me, "q=ZOES")).toEqual(["zoeslow"]);
    expect(await names(me, "q=zoe&limit=2")).toEqual(["ZoeQuick", "zoeslow"]);
    const [profile] = (await search(me, "q=zoeq")).body;
    expect(Object.keys(profile).sort()).toEqual(["bio", "createdAt", "id", "profilePictureUrl", "status", "username"]);
    // LIKE-style wildcards mean nothing.
    expect(await names(me, "q=z%25")).toEqual([]);
    expect(await names(me, "q=z_")).toEqual([]);
  });

  it("leaves out yourself and users who blocked you, but not users you blocked", async () => {
    const me = await register("blockee_me");
    const [blocker, blocked, plain] = await Promise.all([
      register("blockee_blocker"),
      register("blockee_blocked"),
      register("blockee_plain"),
    ]);
    const { db } = server.app.deps;
    await db.block.create({ data: { blockerId: blocker.id, blockedId: me.id } });
    await db.block.create({ data: { blockerId: me.id, blockedId: blocked.id } });
    expect(await names(me, "q=blockee")).toEqual([blocked.username, plain.username]);
    // And the one I blocked no longer finds me.
    expect(await names(blocked, "q=blockee")).toEqual([blocker.username, plain.username]);
  });

  it("refuses short or long queries and large limits", async () => {
    const me = await register("Searcher2");
    for (const query of ["q=a", "q=", "", `q=${"a".repeat(33)}`, "q=abc&limit=51", "q=abc&limit=0"]) {
      const response = await search(me, query);
      expect([query, response.status, response.body.code]).toEqual([query, 400, "VALIDATION_ERROR"]);
    }
    expect((await api(server, "GET", "/users/search?q=abc")).status).toBe(401);
  });

  it("is rate limited per user", async () => {
    const limited = await startServer({ RATE_LIMIT_USER_SEARCH: "3/1m" });
    try {
      const me = await registerUser(limited);
      const other = await registerUser(limited);
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await api(limited, "GET", "/users/search?q=user", { token: me.token })).status);
      expect(statuses).toEqual([200, 200, 200, 429]);
      const refused = await api(limited, "GET", "/users/search?q=user", { token: me.token });
      expect(refused.body.code).toBe("RATE_LIMITED");
      expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
      expect((await api(limited, "GET", "/users/search?q=user", { token: other.token })).status).toBe(200);
    } finally {
      await limited.close();
    }
  });
});
