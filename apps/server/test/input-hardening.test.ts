import type { Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, befriend, connect, emitAck, memoryLogger, registerUser, startServer, type TestServer, type TestUser } from "./helpers";

/** `{"a":{"a":...[]...}}`, `depth` levels deep. */
const nested = (depth: number) => `${'{"a":'.repeat(depth - 1)}[]${"}".repeat(depth - 1)}`;

let server: TestServer;
let log: ReturnType<typeof memoryLogger>;
let alice: TestUser;
let bob: TestUser;
beforeAll(async () => {
  log = memoryLogger();
  server = await startServer({ LOG_LEVEL: "info" }, { logger: log.logger });
  [alice, bob] = [await registerUser(server, "alice"), await registerUser(server, "bob")];
  await befriend(server, alice, bob);
});
afterAll(() => server.close());

const json = { "content-type": "application/json" };

describe("JSON bodies", () => {
  it.each([
    ["POST", "/auth/login"],
    ["POST", "/auth/register"],
    ["POST", "/trpc/auth.login"],
    ["POST", "/groups"],
    ["PATCH", "/users/bio"],
    ["POST", "/no/such/route"],
  ])("%s %s: nested deeper than 32 levels is 400 before anything else, with or without a token", async (method, path) => {
    for (const depth of [33, 1_000, 80_000]) {
      const anonymous = await api(server, method, path, { body: nested(depth), headers: json });
      expect(anonymous.status, `${depth}`).toBe(400);
      expect(anonymous.body).toEqual({ error: "JSON nested deeper than 32 levels", code: "VALIDATION_ERROR" });
      const authed = await api(server, method, path, { body: nested(depth), headers: json, token: alice.token });
      expect(authed.body).toEqual({ error: "JSON nested deeper than 32 levels", code: "VALIDATION_ERROR" });
    }
  });

  it("32 levels are read as any body is (here: invalid for the endpoint)", async () => {
    const answer = await api(server, "POST", "/auth/login", { body: nested(32), headers: json });
    expect(answer.status).toBe(400);
    expect(answer.body.error).not.toMatch(/nested/);
  });

  it("brackets inside strings do not count", async () => {
    const answer = await api(server, "PATCH", "/users/bio", { token: alice.token, body: { bio: "[{".repeat(200) } });
    expect(answer.status).toBe(200);
    expect(answer.body.bio).toBe("[{".repeat(200));
  });

  it("a GET's tRPC input is held to the same depth", async () => {
    const answer = await api(server, "GET", `/trpc/users.me?input=${encodeURIComponent(nested(40))}`, { token: alice.token });
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({ error: "JSON nested deeper than 32 levels", code: "VALIDATION_ERROR" });
  });

  it("over BODY_LIMIT is 413, on public routes too; a charset other than UTF-8 is 415", async () => {
    const big = JSON.stringify({ username: "x".repeat(600 * 1024), password: "y" });
    for (const path of ["/auth/login", "/trpc/auth.login"]) {
      const answer = await api(server, "POST", path, { body: big, headers: json });
      expect(answer.status).toBe(413);
      expect(answer.body).toEqual({ error: "Request body too large", code: "PAYLOAD_TOO_LARGE" });
    }
    const utf16 = await api(server, "POST", "/auth/login", {
      body: JSON.stringify({ username: "a", password: "b" }),
      headers: { "content-type": "application/json; charset=utf-16" },
    });
    expect(utf16.status).toBe(415);
    expect(utf16.body.code).toBe("UNSUPPORTED_MEDIA_TYPE");
  });

  it("logs none of it as an error", () => {
    expect(log.text()).not.toMatch(/"level":50/);
  });
});

describe("strict ids", () => {
  const notIds = ["0x1a", "1e3", "26e0", "1.0", "01", "-1", "+1", "1234567890123456", "2147483648", "%201"];

  it("in paths and queries: decimal digits only, no sign, no leading zero, at most 15 digits", async () => {
    expect((await api(server, "GET", `/users/by-id/${bob.id}`, { token: alice.token })).status).toBe(200);
    for (const id of notIds) {
      const profile = await api(server, "GET", `/users/by-id/${id}`, { token: alice.token });
      expect(profile.status, id).toBe(400);
      expect(profile.body.code, id).toBe("VALIDATION_ERROR");
      const history = await api(server, "GET", `/messages/direct/${bob.id}?before=${id}`, { token: alice.token });
      expect(history.status, `before=${id}`).toBe(400);
      const request = await api(server, "POST", `/friends/request/${id}`, { token: alice.token });
      expect(request.status, `request ${id}`).toBe(400);
    }
  });

  it("in JSON bodies: safe positive integers, or the same decimal text", async () => {
    for (const userId of [1.5, -3, 0, true, [bob.id], 2 ** 53, `${bob.id}.0`, { id: bob.id }]) {
      const answer = await api(server, "POST", "/trpc/friends.sendRequest", { token: alice.token, body: { id: userId } });
      expect(answer.status, JSON.stringify(userId)).toBe(400);
    }
  });

  it("in socket payloads", async () => {
    const socket = await connect(server, alice.token);
    try {
      for (const toId of [...notIds, 1.5, true, [bob.id], null, 2 ** 53]) {
        const answer = await emitAck(socket, "sendDM", { toId, content: "hi" });
        expect(answer, JSON.stringify(toId)).toMatchObject({ code: "VALIDATION_ERROR" });
      }
      expect(await emitAck(socket, "sendDM", { toId: bob.id, content: "hi" })).toMatchObject({ content: "hi" });
      expect(await emitAck(socket, "sendDM", { toId: String(bob.id), content: "as text" })).toMatchObject({ content: "as text" });
    } finally {
      socket.close();
    }
  });
});

/**
 * Writes one Socket.IO event packet as raw text (socket.io-client itself recurses through a payload
 * before sending it, so it cannot send one this deep) and resolves with the acknowledgement's text.
 */
function rawEmit(socket: Socket, ackId: number, event: string, payloadJson: string): Promise<unknown> {
  const engine = socket.io.engine;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ack ${ackId}`)), 10_000);
    const onPacket = (packet: { type: string; data?: unknown }) => {
      if (packet.type !== "message" || typeof packet.data !== "string" || !packet.data.startsWith(`3${ackId}[`)) return;
      engine.off("packet", onPacket);
      clearTimeout(timer);
      resolve(JSON.parse(packet.data.slice(`3${ackId}`.length))[0]);
    };
    engine.on("packet", onPacket);
    engine.write(`2${ackId}[${JSON.stringify(event)},${payloadJson}]`);
  });
}

describe("socket payloads", () => {
  it("nested deeper than 32 levels are acknowledged VALIDATION_ERROR; the connection and the server carry on", async () => {
    const socket = await connect(server, alice.token);
    try {
      for (const [index, depth] of [33, 10_000, 150_000].entries()) {
        const answer = await rawEmit(socket, 9_000 + index, "sendDM", nested(depth));
        expect(answer, `${depth}`).toEqual({ error: "Payload nested deeper than 32 levels", code: "VALIDATION_ERROR" });
      }
      const deepExtra = `{"toId":${bob.id},"content":"hi","extra":${nested(40)}}`;
      expect(await rawEmit(socket, 9_100, "sendDM", deepExtra)).toMatchObject({ code: "VALIDATION_ERROR" });
      const shallow = `{"toId":${bob.id},"content":"ok","extra":${nested(31)}}`;
      expect(await rawEmit(socket, 9_101, "sendDM", shallow)).toMatchObject({ content: "ok" });
      expect(socket.connected).toBe(true);
      expect(await emitAck(socket, "sendDM", { toId: bob.id, content: "still here" })).toMatchObject({ content: "still here" });
      expect((await api(server, "GET", "/health")).status).toBe(200);
    } finally {
      socket.close();
    }
  });

  it("any other packet that deep is a protocol error: that connection closes, the server carries on", async () => {
    const socket = await connect(server, alice.token);
    const closed = new Promise<string>((resolve) => socket.once("disconnect", resolve));
    socket.io.engine.write(`3999[${nested(100)}]`);
    expect(await closed).toBe("transport close");
    const again = await connect(server, alice.token);
    expect(await emitAck(again, "sendDM", { toId: bob.id, content: "after" })).toMatchObject({ content: "after" });
    again.close();
  });
});
