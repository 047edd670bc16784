import jwt from "jsonwebtoken";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, connect, expectCleanError, registerUser, startServer, type TestServer, uniqueName } from "./helpers";

describe("auth", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.close());

  it("registers: 201 with the user and a working token", async () => {
    const username = uniqueName("Reg");
    const response = await api(server, "POST", "/auth/register", { body: { username, password: "password123" } });
    expect(response.status).toBe(201);
    expect(response.body).toEqual({
      user: { id: expect.any(Number), username },
      token: expect.any(String),
      refreshToken: expect.any(String),
    });
    const status = await api(server, "GET", "/auth/status", { token: response.body.token });
    expect(status.status).toBe(200);
    expect(status.body).toEqual({ authenticated: true, user: { id: response.body.user.id, username } });
  });

  it("signs out everywhere: every earlier token stops working, sockets close, the new token works", async () => {
    const user = await registerUser(server);
    const other = await api(server, "POST", "/auth/login", { body: { username: user.username, password: user.password } });
    const socket = await connect(server, other.body.token);
    const closed = new Promise<string>((resolve) => socket.once("disconnect", resolve));
    const result = await api(server, "POST", "/auth/sign-out-everywhere", { token: user.token });
    expect(result.status).toBe(200);
    expect(result.body).toEqual({
      user: { id: user.id, username: user.username },
      token: expect.any(String),
      refreshToken: expect.any(String),
    });
    expect(await closed).toBe("io server disconnect");
    for (const token of [user.token, other.body.token]) {
      expect((await api(server, "GET", "/auth/status", { token })).status).toBe(401);
      await expect(connect(server, token)).rejects.toMatchObject({ data: { code: "UNAUTHORIZED" } });
    }
    expect((await api(server, "GET", "/auth/status", { token: result.body.token })).status).toBe(200);
    expect((await api(server, "POST", "/auth/sign-out-everywhere", {})).status).toBe(401);
  });

  it("refuses a taken username with 409, whatever its letter case", async () => {
    const user = await registerUser(server);
    for (const username of [user.username, user.username.toUpperCase()]) {
      const response = await api(server, "POST", "/auth/register", { body: { username, password: "password123" } });
      expect(response.status).toBe(409);
      expect(response.body).toEqual({ error: expect.any(String), code: "USERNAME_TAKEN" });
    }
  });

  it("concurrent registrations of one name create exactly one account", async () => {
    const username = uniqueName("race");
    const responses = await Promise.all(
      Array.from({ length: 5 }, () => api(server, "POST", "/auth/register", { body: { username, password: "password123" } })),
    );
    expect(responses.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409]);
  });

  it.each([
    ["a short password", { username: "valid_name", password: "short" }],
    ["a password over 128 characters", { username: "valid_name", password: "x".repeat(129) }],
    ["a short username", { username: "ab", password: "password123" }],
    ["a username over 32 characters", { username: "a".repeat(33), password: "password123" }],
    ["a username with spaces", { username: "has space", password: "password123" }],
    ["a missing password", { username: "valid_name" }],
    ["a non-string username", { username: 42, password: "password123" }],
  ])("rejects %s with 400 and says why", async (_label, body) => {
    const response = await api(server, "POST", "/auth/register", { body });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error: expect.stringMatching(/Invalid input/), code: "VALIDATION_ERROR" });
    expect(response.body.details.length).toBeGreaterThan(0);
  });

  it("rejects malformed JSON with 400", async () => {
    const response = await api(server, "POST", "/auth/register", {
      body: '{"username": "x", ',
      headers: { "content-type": "application/json" },
    });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ error: "Malformed JSON body", code: "BAD_REQUEST" });
  });

  it("rejects a body that is not JSON with 415", async () => {
    const response = await api(server, "POST", "/auth/login", {
      body: "username=a&password=b",
      headers: { "content-type": "text/plain" },
    });
    expect(response.status).toBe(415);
    expect(response.body.code).toBe("UNSUPPORTED_MEDIA_TYPE");
  });

  it("logs in with the right password, case-insensitively by username", async () => {
    const user = await registerUser(server, "Login");
    const response = await api(server, "POST", "/auth/login", {
      body: { username: user.username.toLowerCase(), password: user.password },
    });
    expect(response.status).toBe(200);
    expect(response.body.user).toEqual({ id: user.id, username: user.username });
    expect((await api(server, "GET", "/users/me", { token: response.body.token })).status).toBe(200);
  });

  it("answers a wrong password and an unknown user alike: 401 INVALID_CREDENTIALS", async () => {
    const user = await registerUser(server);
    const wrong = await api(server, "POST", "/auth/login", { body: { username: user.username, password: "wrong-password" } });
    const unknown = await api(server, "POST", "/auth/login", { body: { username: uniqueName(), password: "whatever1" } });
    for (const response of [wrong, unknown]) {
      expect(response.status).toBe(401);
      expect(response.body).toEqual({ error: "Wrong username or password", code: "INVALID_CREDENTIALS" });
    }
  });

  describe("tokens", () => {
    const secretOf = () => server.app.deps.config.jwt.secret;

    it.each([
      ["missing", undefined],
      ["garbage", "not-a-jwt"],
      ["signed with another secret", jwt.sign({ ver: 0 }, "another-secret-another-secret-12345", { subject: "1", issuer: "hestia" })],
    ])("a %s token gets 401", async (_label, token) => {
      const response = await api(server, "GET", "/auth/status", { token });
      expect(response.status).toBe(401);
      expect(response.body.code).toBe("UNAUTHORIZED");
      expectCleanError(response.text);
    });

    it("an alg:none token gets 401", async () => {
      const user = await registerUser(server);
      const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
      const token = `${encode({ alg: "none", typ: "JWT" })}.${encode({ sub: String(user.id), ver: 0, iss: "hestia" })}.`;
      const response = await api(server, "GET", "/auth/status", { token });
      expect(response.status).toBe(401);
    });

    it("a token signed with HS512 instead of the pinned HS256 gets 401", async () => {
      const user = await registerUser(server);
      const token = jwt.sign({ ver: 0 }, secretOf(), { algorithm: "HS512", subject: String(user.id), issuer: "hestia" });
      expect((await api(server, "GET", "/auth/status", { token })).status).toBe(401);
    });

    it("an expired token gets 401 TOKEN_EXPIRED", async () => {
      const user = await registerUser(server);
      const token = jwt.sign({ ver: 0, exp: Math.floor(Date.now() / 1000) - 10 }, secretOf(), {
        subject: String(user.id),
        issuer: "hestia",
      });
      const response = await api(server, "GET", "/auth/status", { token });
      expect(response.status).toBe(401);
      expect(response.body.code).toBe("TOKEN_EXPIRED");
    });

    it("a token accepted before expires like any other: 401 TOKEN_EXPIRED once its time is up", async () => {
      const user = await registerUser(server);
      const token = jwt.sign({ ver: 0, exp: Math.floor(Date.now() / 1000) + 1 }, secretOf(), {
        subject: String(user.id),
        issuer: "hestia",
      });
      expect((await api(server, "GET", "/auth/status", { token })).status).toBe(200);
      // The expiry has whole-second resolution: wait until the second after it has begun.
      await new Promise((resolve) => setTimeout(resolve, 2_100));
      const response = await api(server, "GET", "/auth/status", { token });
      expect(response.status).toBe(401);
      expect(response.body.code).toBe("TOKEN_EXPIRED");
    });

    it("tokens expire: issued tokens carry exp", async () => {
      const user = await registerUser(server);
      const claims = jwt.decode(user.token) as { exp: number; iat: number };
      expect(claims.exp - claims.iat).toBe(7 * 24 * 3600);
    });
  });

  describe("socket handshake", () => {
    it("accepts a valid token", async () => {
      const user = await registerUser(server);
      const socket = await connect(server, user.token);
      expect(socket.connected).toBe(true);
      socket.close();
    });

    it.each([
      ["missing", undefined],
      ["garbage", "garbage"],
    ])("refuses a %s token with connect_error", async (_label, token) => {
      await expect(connect(server, token)).rejects.toMatchObject({
        message: expect.stringMatching(/token/i),
        data: { code: "UNAUTHORIZED" },
      });
    });
  });
});

describe("auth rate limits", () => {
  // Each test counts attempts from the start: a server (and so a rate limiter) of its own.
  const servers: TestServer[] = [];
  const limitedServer = async () => {
    const server = await startServer({
      AUTH_RATE_LIMIT_PER_IP: "8",
      AUTH_RATE_LIMIT_PER_USERNAME: "3",
      AUTH_RATE_LIMIT_WINDOW_SECONDS: "60",
    });
    servers.push(server);
    return server;
  };
  afterAll(() => Promise.all(servers.map((server) => server.close())));

  it("limits attempts per username with 429 and Retry-After", async () => {
    const server = await limitedServer();
    const user = await registerUser(server);
    const attempt = () => api(server, "POST", "/auth/login", { body: { username: user.username, password: "wrong-password" } });
    for (let i = 0; i < 3; i++) expect((await attempt()).status).toBe(401);
    const limited = await attempt();
    expect(limited.status).toBe(429);
    expect(limited.body.code).toBe("RATE_LIMITED");
    const retryAfter = Number(limited.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // Even the right password waits until the window passes.
    const right = await api(server, "POST", "/auth/login", { body: { username: user.username, password: user.password } });
    expect(right.status).toBe(429);
  });

  it("limits attempts per IP across usernames", async () => {
    const server = await limitedServer();
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) {
      const response = await api(server, "POST", "/auth/login", { body: { username: uniqueName(), password: "password123" } });
      statuses.push(response.status);
    }
    // 8 attempts a minute from this IP, each on its own username.
    expect(statuses).toEqual([...Array(8).fill(401), 429, 429]);
  });
});
