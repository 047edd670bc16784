import { DataExportSchema, EXPORTS_PER_HOUR } from "@hestia/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, befriend, registerUser, startServer, type TestServer, type TestUser } from "./helpers";

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

const exportOf = (user: TestUser) => api(server, "GET", "/users/me/export", { token: user.token });

describe("GET /users/me/export", () => {
  it("streams your profile, friends, groups, sessions, blocks, reports and the messages you sent, and nobody else's", async () => {
    const [alice, bob, carol] = await Promise.all([
      registerUser(server, "alice"),
      registerUser(server, "bob"),
      registerUser(server, "carol"),
    ]);
    await befriend(server, alice, bob);
    await api(server, "PATCH", "/users/bio", { token: alice.token, body: { bio: "exporting" } });
    const secondSession = await api(server, "POST", "/auth/login", {
      body: { username: alice.username, password: alice.password },
      headers: { "user-agent": "alice-phone" },
    });
    const toBob = await api(server, "POST", `/messages/direct/${bob.id}`, { token: alice.token, body: { content: "alice to bob" } });
    await api(server, "POST", `/messages/direct/${alice.id}`, { token: bob.token, body: { content: "bob's secret reply" } });
    const group = await api(server, "POST", "/groups", { token: alice.token, body: { name: "Alice's group" } });
    await api(server, "POST", `/groups/${group.body.id}/members/${bob.id}`, { token: alice.token });
    const inGroup = await api(server, "POST", `/groups/${group.body.id}/messages`, {
      token: alice.token,
      body: { content: "alice in the group" },
    });
    await api(server, "POST", `/groups/${group.body.id}/messages`, { token: bob.token, body: { content: "bob's group words" } });
    const report = await api(server, "POST", "/reports", { token: alice.token, body: { userId: carol.id, reason: "spam", note: "ads" } });
    await api(server, "POST", `/users/${carol.id}/block`, { token: alice.token });

    const response = await exportOf(alice);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(response.headers.get("content-disposition")).toMatch(/^attachment; filename="hestia-export-\d+\.json"$/);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const data = DataExportSchema.parse(response.body);

    expect(data.profile).toMatchObject({ id: alice.id, username: alice.username, bio: "exporting" });
    expect(data.friends.map((friend) => friend.id)).toEqual([bob.id]);
    expect(data.groups).toEqual([{ id: group.body.id, name: "Alice's group", role: "OWNER", joinedAt: expect.any(String) }]);
    expect(data.sessions).toHaveLength(2);
    expect(data.sessions.find((session) => session.userAgent === "alice-phone")).toMatchObject({ revokedAt: null });
    expect(data.blocked).toEqual([{ id: carol.id, username: carol.username, blockedAt: expect.any(String) }]);
    expect(data.reports).toEqual([
      { id: report.body.id, messageId: null, userId: carol.id, reason: "spam", note: "ads", status: "open", createdAt: expect.any(String) },
    ]);
    expect(data.messages).toEqual([
      {
        id: toBob.body.id,
        conversationId: toBob.body.conversationId,
        seq: 1,
        content: "alice to bob",
        encrypted: false,
        createdAt: toBob.body.createdAt,
        deletedAt: null,
      },
      {
        id: inGroup.body.id,
        conversationId: group.body.id,
        seq: 1,
        content: "alice in the group",
        encrypted: false,
        createdAt: inGroup.body.createdAt,
        deletedAt: null,
      },
    ]);
    // Other people's words and sessions are theirs.
    expect(response.text).not.toContain("bob's secret reply");
    expect(response.text).not.toContain("bob's group words");
    expect(secondSession.status).toBe(200);
    const bobs = DataExportSchema.parse((await exportOf(bob)).body);
    expect(bobs.messages.map((message) => message.content)).toEqual(["bob's secret reply", "bob's group words"]);
    expect(bobs.sessions).toHaveLength(1);
  });

  it("streams a history longer than one read, every message once, in order", async () => {
    const alice = await registerUser(server);
    const group = await api(server, "POST", "/groups", { token: alice.token, body: { name: "Diary" } });
    const count = 1_201;
    // Stored straight through the message store: a burst this long over the API would meet the send limits.
    const conversation = { id: group.body.id as number, kind: "GROUP", directKey: null };
    const outcomes = await Promise.all(
      Array.from({ length: count }, (_, i) =>
        server.app.deps.messages.append({ conversation, sender: alice, body: { encrypted: false, content: `entry ${i}` } }),
      ),
    );
    expect(outcomes.every((outcome) => outcome.status === "stored")).toBe(true);

    const response = await exportOf(alice);
    // Sent as it is read: no length known up front.
    expect(response.headers.get("transfer-encoding")).toBe("chunked");
    expect(response.headers.get("content-length")).toBeNull();
    const { messages } = DataExportSchema.parse(response.body);
    expect(messages.map((message) => message.content)).toEqual(Array.from({ length: count }, (_, i) => `entry ${i}`));
    expect(messages.map((message) => message.seq)).toEqual(Array.from({ length: count }, (_, i) => i + 1));
  });

  it(`needs a token, and allows ${EXPORTS_PER_HOUR} exports an hour (then 429 with Retry-After)`, async () => {
    const response = await api(server, "GET", "/users/me/export");
    expect(response.status).toBe(401);
    expect(response.body).toEqual({ error: expect.any(String), code: "UNAUTHORIZED" });
    const user = await registerUser(server);
    for (let i = 0; i < EXPORTS_PER_HOUR; i++) expect((await exportOf(user)).status).toBe(200);
    const limited = await exportOf(user);
    expect(limited.status).toBe(429);
    expect(limited.body.code).toBe("RATE_LIMITED");
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
  });
});
