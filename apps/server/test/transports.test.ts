import { afterAll, beforeAll, expect, it } from "vitest";
import { api, connect, emitAck, registerUser, startServer, type TestServer } from "./helpers";

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

it("serves Socket.IO over HTTP long-polling (browsers' first transport) beside the REST API", async () => {
  const user = await registerUser(server);
  const socket = await connect(server, user.token, { transports: ["polling"] });
  try {
    expect(socket.io.engine.transport.name).toBe("polling");
    expect(await emitAck(socket, "leaveGroup", { groupId: 1 })).toEqual({ ok: true });
    expect((await api(server, "GET", "/health")).status).toBe(200);
  } finally {
    socket.close();
  }
});
