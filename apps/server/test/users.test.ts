import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, connect, expectCleanError, freshProfile, registerUser, startServer, type TestServer, type TestUser } from "./helpers";

describe("users", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.close());

  /** Two new users: the tests change profiles, so none reuses another's. */
  const pair = (): Promise<[TestUser, TestUser]> => Promise.all([registerUser(server, "alice"), registerUser(server, "bob")]);

  it("GET /users/me returns your own profile, with an ISO timestamp and no password hash", async () => {
    const alice = await registerUser(server, "alice");
    const response = await api(server, "GET", "/users/me", { token: alice.token });
    expect(response.status).toBe(200);
    expect(response.body).toEqual(freshProfile(alice));
    expect(new Date(response.body.createdAt).toISOString()).toBe(response.body.createdAt);
    expect(response.text).not.toMatch(/password|argon2/i);
  });

  it("finds profiles by id and by username (any letter case)", async () => {
    const [alice, bob] = await pair();
    const byId = await api(server, "GET", `/users/by-id/${bob.id}`, { token: alice.token });
    expect(byId.status).toBe(200);
    expect(byId.body).toEqual(freshProfile(bob));
    const byName = await api(server, "GET", `/users/by-username/${encodeURIComponent(bob.username.toUpperCase())}`, {
      token: alice.token,
    });
    expect(byName.body).toEqual(freshProfile(bob));
  });

  it("answers 404 for unknown users and 400 for a malformed id", async () => {
    const alice = await registerUser(server, "alice");
    const unknownId = await api(server, "GET", "/users/by-id/999999", { token: alice.token });
    expect(unknownId.status).toBe(404);
    expect(unknownId.body).toEqual({ error: "User not found", code: "NOT_FOUND" });
    expect((await api(server, "GET", "/users/by-username/nobody_here", { token: alice.token })).status).toBe(404);
    for (const bad of ["abc", "-1", "0", "1.5"]) {
      expect((await api(server, "GET", `/users/by-id/${bad}`, { token: alice.token })).status).toBe(400);
    }
  });

  it("requires a token for every /users endpoint", async () => {
    const bob = await registerUser(server, "bob");
    for (const [method, path] of [
      ["GET", "/users/me"],
      ["DELETE", "/users/me"],
      ["GET", `/users/by-id/${bob.id}`],
      ["GET", `/users/by-username/${bob.username}`],
      ["PATCH", "/users/bio"],
      ["PATCH", "/users/status"],
      ["PATCH", "/users/fcm-token"],
      ["PATCH", "/users/profile-picture"],
    ] as const) {
      const response = await api(server, method, path, { body: method === "PATCH" ? {} : undefined });
      expect(response.status, `${method} ${path}`).toBe(401);
    }
  });

  it("sets the bio (trimmed, at most 500 characters); a longer one is refused and not stored", async () => {
    const alice = await registerUser(server, "alice");
    const ok = await api(server, "PATCH", "/users/bio", { token: alice.token, body: { bio: "  hello 👋  " } });
    expect(ok.status).toBe(200);
    expect(ok.body.bio).toBe("hello 👋");
    expect((await api(server, "PATCH", "/users/bio", { token: alice.token, body: { bio: "x".repeat(500) } })).status).toBe(200);
    const tooLong = await api(server, "PATCH", "/users/bio", { token: alice.token, body: { bio: "y".repeat(501) } });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.code).toBe("VALIDATION_ERROR");
    expect((await api(server, "GET", "/users/me", { token: alice.token })).body.bio).toBe("x".repeat(500));
  });

  it("sets a valid status; an invalid one is 400 and not stored", async () => {
    const bob = await registerUser(server, "bob");
    for (const status of ["do_not_disturb", "offline", "active"]) {
      const response = await api(server, "PATCH", "/users/status", { token: bob.token, body: { status } });
      expect(response.status).toBe(200);
      expect(response.body.status).toBe(status);
    }
    for (const status of ["away", "", null, 3, "ACTIVE"]) {
      const response = await api(server, "PATCH", "/users/status", { token: bob.token, body: { status } });
      expect(response.status).toBe(400);
      expect(response.body.code).toBe("VALIDATION_ERROR");
    }
    expect((await api(server, "GET", "/users/me", { token: bob.token })).body.status).toBe("active");
  });

  it("registers several push tokens per user", async () => {
    const alice = await registerUser(server, "alice");
    for (const token of ["device-token-1", "device-token-2"]) {
      const response = await api(server, "PATCH", "/users/fcm-token", { token: alice.token, body: { token } });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ success: true });
    }
    const rows = await server.app.deps.db.pushToken.findMany({ where: { userId: alice.id } });
    expect(rows.map((row) => row.token).sort()).toEqual(["device-token-1", "device-token-2"]);
    expect((await api(server, "PATCH", "/users/fcm-token", { token: alice.token, body: { token: "" } })).status).toBe(400);
  });

  it("sets the profile picture to an https URL, refuses other URLs, and removes it with null", async () => {
    const alice = await registerUser(server, "alice");
    const url = "https://images.example.com/alice.png";
    const ok = await api(server, "PATCH", "/users/profile-picture", { token: alice.token, body: { profilePictureUrl: url } });
    expect(ok.status).toBe(200);
    expect(ok.body.profilePictureUrl).toBe(url);
    for (const bad of ["http://example.com/a.png", "javascript:alert(1)", "not a url", `https://x.com/${"a".repeat(2048)}`]) {
      const response = await api(server, "PATCH", "/users/profile-picture", { token: alice.token, body: { profilePictureUrl: bad } });
      expect(response.status, bad).toBe(400);
    }
    const cleared = await api(server, "PATCH", "/users/profile-picture", { token: alice.token, body: { profilePictureUrl: null } });
    expect(cleared.body.profilePictureUrl).toBeNull();
  });

  it("DELETE /users/me: 204, then the account is gone and its tokens stop working at once", async () => {
    const alice = await registerUser(server, "alice");
    const carol = await registerUser(server, "carol");
    await api(server, "PATCH", "/users/fcm-token", { token: carol.token, body: { token: "carol-device" } });
    const socket = await connect(server, carol.token);
    socket.close();

    const response = await api(server, "DELETE", "/users/me", { token: carol.token });
    expect(response.status).toBe(204);
    expect(response.text).toBe("");

    expect((await api(server, "GET", "/users/me", { token: carol.token })).status).toBe(401);
    expect((await api(server, "GET", `/users/by-id/${carol.id}`, { token: alice.token })).status).toBe(404);
    const login = await api(server, "POST", "/auth/login", { body: { username: carol.username, password: carol.password } });
    expect(login.status).toBe(401);
    await expect(connect(server, carol.token)).rejects.toMatchObject({ data: { code: "UNAUTHORIZED" } });
    expect(await server.app.deps.db.pushToken.count({ where: { token: "carol-device" } })).toBe(0);
  });

  it("answers a failing database with a bare 500: no stack, no database message", async () => {
    const alice = await registerUser(server, "alice");
    const users = server.app.deps.db.user;
    const original = users.findUnique;
    users.findUnique = ((args: { where: Record<string, unknown> }) =>
      "usernameKey" in args.where
        ? Promise.reject(new Error('SQLITE_ERROR: no such column "User"."secret" at query.ts:12:3'))
        : original.call(users, args as never)) as unknown as typeof original;
    try {
      const response = await api(server, "GET", "/users/by-username/someone", { token: alice.token });
      expect(response.status).toBe(500);
      expect(response.body).toEqual({ error: "Internal server error", code: "INTERNAL_ERROR" });
      expectCleanError(response.text);
    } finally {
      users.findUnique = original;
    }
  });

  it("answers unknown routes with a 404 in the API's error shape", async () => {
    const alice = await registerUser(server, "alice");
    const response = await api(server, "GET", "/nope", { token: alice.token });
    expect(response.status).toBe(404);
    expect(response.body).toEqual({ error: expect.any(String), code: "NOT_FOUND" });
    expectCleanError(response.text);
  });
});
