import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../src/logger";
import { api, connect, emitAck, eventually, registerUser, startServer, type TestServer, type TestUser } from "./helpers";

/** Every JSON line the server logged. */
function captureLogs() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString("utf8").split("\n").filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: createLogger("debug", destination), lines };
}

describe("structured logs", () => {
  let server: TestServer;
  let alice: TestUser;
  const logs = captureLogs();
  beforeAll(async () => {
    server = await startServer({}, { logger: logs.logger });
    alice = await registerUser(server, "alice");
  });
  afterAll(() => server.close());

  it("are JSON lines with an ISO time and the level by name", () => {
    expect(logs.lines.length).toBeGreaterThan(0);
    for (const line of logs.lines) {
      expect(line).toMatchObject({ level: expect.stringMatching(/^(trace|debug|info|warn|error|fatal)$/), msg: expect.any(String) });
      expect(new Date(line.time as string).toISOString()).toBe(line.time);
    }
  });

  it("REST: keeps a sensible X-Request-Id, echoes it, and puts it on the request's lines", async () => {
    const response = await api(server, "GET", "/users/me", { token: alice.token, headers: { "x-request-id": "lb-7f3a.42" } });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-request-id")).toBe("lb-7f3a.42");
    await eventually(() =>
      expect(logs.lines).toContainEqual(expect.objectContaining({ reqId: "lb-7f3a.42", msg: "request", status: 200 })),
    );
  });

  it("REST: makes an id when none or a strange one is sent", async () => {
    for (const headers of [{}, { "x-request-id": "a b\tc" }, { "x-request-id": "x".repeat(200) }] as Record<string, string>[]) {
      const response = await api(server, "GET", "/nowhere", { headers });
      expect(response.status).toBe(404);
      const id = response.headers.get("x-request-id");
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      await eventually(() => expect(logs.lines).toContainEqual(expect.objectContaining({ reqId: id, path: "/nowhere", status: 404 })));
    }
  });

  it("sockets: the lines of an event carry the socket's id and user", async () => {
    const socket = await connect(server, alice.token);
    const refused = await emitAck(socket, "joinGroup", { groupId: 999_999 });
    expect(refused.code).toBeDefined();
    await emitAck(socket, "leaveGroup", { groupId: 1 });
    await eventually(() => {
      expect(logs.lines).toContainEqual(
        expect.objectContaining({
          socketId: socket.id,
          userId: alice.id,
          event: "joinGroup",
          code: refused.code,
          msg: "socket event failed",
        }),
      );
      expect(logs.lines).toContainEqual(
        expect.objectContaining({ socketId: socket.id, userId: alice.id, event: "leaveGroup", msg: "socket event" }),
      );
    });
    socket.close();
  });
});
