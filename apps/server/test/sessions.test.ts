import jwt from "jsonwebtoken";
import type { Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, connect, expectCleanError, registerUser, startServer, type TestServer, type TestUser } from "./helpers";

/** A second session of `user` (another device), with its tokens. */
async function login(server: TestServer, user: TestUser, userAgent = "second-device/1.0") {
  const response = await api(server, "POST", "/auth/login", {
    body: { username: user.username, password: user.password },
    headers: { "user-agent": userAgent },
  });
  expect(response.status).toBe(200);
  return response.body as { token: string; refreshToken: string };
}

const disconnected = (socket: Socket) => new Promise<string>((resolve) => socket.once("disconnect", resolve));

describe("sessions", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.close());

  const status = (token: string) => api(server, "GET", "/auth/status", { token }).then((response) => response.status);
  const refresh = (refreshToken: string) => api(server, "POST", "/auth/refresh", { body: { refreshToken } });

  it("every access token names its session", async () => {
    const user = await registerUser(server);
    const first = jwt.decode(user.token) as { sid: number };
    const second = jwt.decode((await login(server, user)).token) as { sid: number };
    expect(first.sid).toEqual(expect.any(Number));
    expect(second.sid).not.toBe(first.sid);
  });

  it("a refresh token is exchanged once for a new pair of the same session", async () => {
    const user = await registerUser(server);
    const device = await login(server, user);
    const exchanged = await refresh(device.refreshToken);
    expect(exchanged.status).toBe(200);
    expect(exchanged.body).toEqual({ token: expect.any(String), refreshToken: expect.any(String) });
    expect(exchanged.body.refreshToken).not.toBe(device.refreshToken);
    expect((jwt.decode(exchanged.body.token) as { sid: number }).sid).toBe((jwt.decode(device.token) as { sid: number }).sid);
    expect(await status(exchanged.body.token)).toBe(200);
    // The next one in the chain works too.
    expect((await refresh(exchanged.body.refreshToken)).status).toBe(200);
  });

  it("a refresh token presented twice ends its session (and only it): its tokens and sockets stop at once", async () => {
    const user = await registerUser(server);
    const stolen = await login(server, user);
    const rotated = await refresh(stolen.refreshToken);
    const socket = await connect(server, rotated.body.token);
    const closed = disconnected(socket);

    const replay = await refresh(stolen.refreshToken);
    expect(replay.status).toBe(401);
    expect(replay.body.code).toBe("UNAUTHORIZED");
    expectCleanError(replay.text);

    expect(await closed).toBe("io server disconnect");
    expect(await status(rotated.body.token)).toBe(401);
    expect((await refresh(rotated.body.refreshToken)).status).toBe(401);
    // The user's first session is untouched.
    expect(await status(user.token)).toBe(200);
  });

  it("of two concurrent exchanges of one refresh token exactly one wins, and the session ends", async () => {
    const user = await registerUser(server);
    const device = await login(server, user);
    const answers = await Promise.all([refresh(device.refreshToken), refresh(device.refreshToken)]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 401]);
    const winner = answers.find((answer) => answer.status === 200);
    expect(await status(winner?.body.token)).toBe(401);
  });

  it("refuses unknown and malformed refresh tokens with 400/401 and a clean body", async () => {
    for (const refreshToken of ["x".repeat(43), "not a token"]) {
      const response = await refresh(refreshToken);
      expect(response.status).toBe(401);
      expectCleanError(response.text);
    }
    for (const body of [{}, { refreshToken: 42 }, { refreshToken: "x".repeat(5000) }]) {
      const response = await api(server, "POST", "/auth/refresh", { body });
      expect(response.status).toBe(400);
      expect(response.body.code).toBe("VALIDATION_ERROR");
    }
  });

  it("logout ends this session only: 204, its tokens refused, its sockets closed", async () => {
    const user = await registerUser(server);
    const device = await login(server, user);
    const socket = await connect(server, device.token);
    const closed = disconnected(socket);
    const out = await api(server, "POST", "/auth/logout", { token: device.token });
    expect(out.status).toBe(204);
    expect(await closed).toBe("io server disconnect");
    expect(await status(device.token)).toBe(401);
    expect((await refresh(device.refreshToken)).status).toBe(401);
    await expect(connect(server, device.token)).rejects.toMatchObject({ data: { code: "UNAUTHORIZED" } });
    expect(await status(user.token)).toBe(200);
  });

  it("lists the open sessions, newest first, marking the current one", async () => {
    const user = await registerUser(server);
    const device = await login(server, user, "phone/2.0");
    const list = await api(server, "GET", "/auth/sessions", { token: device.token });
    expect(list.status).toBe(200);
    expect(list.body.nextCursor).toBeNull();
    expect(list.body.items).toEqual([
      { id: expect.any(Number), createdAt: expect.any(String), lastUsedAt: expect.any(String), userAgent: "phone/2.0", current: true },
      {
        id: expect.any(Number),
        createdAt: expect.any(String),
        lastUsedAt: expect.any(String),
        userAgent: expect.anything(),
        current: false,
      },
    ]);
    // Another user never sees them.
    const stranger = await registerUser(server);
    const theirs = await api(server, "GET", "/auth/sessions", { token: stranger.token });
    expect(theirs.body.items).toHaveLength(1);
  });

  it("pages the session list with a cursor", async () => {
    const user = await registerUser(server);
    for (let i = 0; i < 3; i++) await login(server, user);
    const first = await api(server, "GET", "/auth/sessions?limit=2", { token: user.token });
    expect(first.body.items).toHaveLength(2);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await api(server, "GET", `/auth/sessions?limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`, {
      token: user.token,
    });
    expect(second.body.items).toHaveLength(2);
    expect(second.body.nextCursor).toBeNull();
    const ids = [...first.body.items, ...second.body.items].map((session: { id: number }) => session.id);
    expect(new Set(ids).size).toBe(4);
    const garbage = await api(server, "GET", "/auth/sessions?cursor=%%%", { token: user.token });
    expect(garbage.status).toBe(400);
  });

  it("revokes another session of one's own: its tokens refused and its socket closed; others' sessions are 404", async () => {
    const user = await registerUser(server);
    const device = await login(server, user);
    const socket = await connect(server, device.token);
    const closed = disconnected(socket);
    const sid = (jwt.decode(device.token) as { sid: number }).sid;

    const stranger = await registerUser(server);
    const foreign = await api(server, "DELETE", `/auth/sessions/${sid}`, { token: stranger.token });
    expect(foreign.status).toBe(404);
    expect(await status(device.token)).toBe(200);

    expect((await api(server, "DELETE", `/auth/sessions/${sid}`, { token: user.token })).status).toBe(204);
    expect(await closed).toBe("io server disconnect");
    expect(await status(device.token)).toBe(401);
    expect((await api(server, "DELETE", `/auth/sessions/${sid}`, { token: user.token })).status).toBe(404);
    expect(await status(user.token)).toBe(200);
  });

  it("changes the password: a wrong current one is 403 and changes nothing; the right one ends every other session", async () => {
    const user = await registerUser(server);
    const other = await login(server, user);
    const socket = await connect(server, other.token);

    const wrong = await api(server, "POST", "/auth/password", {
      token: user.token,
      body: { currentPassword: "not the password", newPassword: "a brand new secret" },
    });
    expect(wrong.status).toBe(403);
    expectCleanError(wrong.text);
    expect(await status(other.token)).toBe(200);
    expect(socket.connected).toBe(true);

    const closed = disconnected(socket);
    const changed = await api(server, "POST", "/auth/password", {
      token: user.token,
      body: { currentPassword: user.password, newPassword: "a brand new secret" },
    });
    expect(changed.status).toBe(204);
    expect(await closed).toBe("io server disconnect");
    expect(await status(other.token)).toBe(401);
    expect((await refresh(other.refreshToken)).status).toBe(401);
    expect(await status(user.token)).toBe(200);

    const oldLogin = await api(server, "POST", "/auth/login", { body: { username: user.username, password: user.password } });
    expect(oldLogin.status).toBe(401);
    const newLogin = await api(server, "POST", "/auth/login", { body: { username: user.username, password: "a brand new secret" } });
    expect(newLogin.status).toBe(200);
  });

  it("refuses a token issued in the future, beyond a minute of clock skew", async () => {
    const user = await registerUser(server);
    const claims = jwt.decode(user.token) as Record<string, unknown>;
    const secret = server.app.deps.config.jwt.secret;
    const sign = (iat: number) => jwt.sign({ ...claims, iat, exp: iat + 3600 }, secret, { algorithm: "HS256", noTimestamp: false });
    const now = Math.floor(Date.now() / 1000);
    expect(await status(sign(now + 3600))).toBe(401);
    expect(await status(sign(now + 30))).toBe(200);
  });
});
