import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, befriend, collect, connect, eventually, registerUser, startServer, type TestServer } from "./helpers";

describe("presence and account deletion", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.close());

  it("status follows connected devices, friends hear about it, and do_not_disturb is kept", async () => {
    const [ann, ben] = [await registerUser(server, "ann"), await registerUser(server, "ben")];
    await befriend(server, ann, ben);
    const benSocket = await connect(server, ben.token);
    const heard = collect(benSocket, "presence");
    const phone = await connect(server, ann.token);
    const laptop = await connect(server, ann.token);
    await eventually(async () => expect((await api(server, "GET", "/users/me", { token: ann.token })).body.status).toBe("active"));
    const phoneId = phone.id!;
    phone.close();
    // Once the server dropped the phone's socket, its leaving is queued for ann's presence; a new socket
    // of ann's is counted after it, so once that one is connected, the phone's leaving has been applied.
    await eventually(() => expect(server.app.io.of("/").sockets.has(phoneId)).toBe(false));
    const tablet = await connect(server, ann.token);
    expect((await api(server, "GET", "/users/me", { token: ann.token })).body.status).toBe("active");
    tablet.close();
    laptop.close();
    await eventually(async () => expect((await api(server, "GET", "/users/me", { token: ann.token })).body.status).toBe("offline"));
    await eventually(() =>
      expect(heard).toEqual([
        { userId: ann.id, status: "active" },
        { userId: ann.id, status: "offline" },
      ]),
    );

    await api(server, "PATCH", "/users/status", { token: ann.token, body: { status: "do_not_disturb" } });
    // A socket is counted before its handshake completes: once connected, its presence update is done.
    const again = await connect(server, ann.token);
    expect((await api(server, "GET", "/users/me", { token: ann.token })).body.status).toBe("do_not_disturb");
    again.close();
    benSocket.close();
  });

  it("deleting an account disconnects its sockets", async () => {
    const gone = await registerUser(server, "gone");
    const socket = await connect(server, gone.token);
    const disconnected = new Promise<string>((resolve) => socket.once("disconnect", resolve));
    expect((await api(server, "DELETE", "/users/me", { token: gone.token })).status).toBe(204);
    expect(await disconnected).toBe("io server disconnect");
  });
});
