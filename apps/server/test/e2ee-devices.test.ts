import { randomBytes } from "node:crypto";
import { MAX_DEVICES_PER_USER } from "@hestia/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addDevice, cast, stock } from "./e2ee";
import { api, befriend, collect, connect, registerUser, roundTrip, startServer, type TestServer } from "./helpers";
import { b64, signatureKeys } from "./mls";

describe("end-to-end encryption", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.close());

  describe("devices", () => {
    it("registers a device with an Ed25519 key; refuses anything else", async () => {
      const carol = await registerUser(server, "carol");
      const keys = await signatureKeys();
      const created = await api(server, "POST", "/e2ee/devices", {
        token: carol.token,
        body: { signaturePublicKey: keys.signaturePublicKey, name: " laptop " },
      });
      expect(created.status).toBe(201);
      expect(created.body).toEqual({
        id: expect.any(Number),
        userId: carol.id,
        name: "laptop",
        signaturePublicKey: keys.signaturePublicKey,
        createdAt: expect.any(String),
      });
      for (const signaturePublicKey of [
        b64(randomBytes(31)),
        b64(randomBytes(33)),
        "not base64",
        b64(Buffer.from([2, ...Buffer.alloc(31)])),
      ]) {
        const refused = await api(server, "POST", "/e2ee/devices", { token: carol.token, body: { signaturePublicKey } });
        expect(refused.status, signaturePublicKey).toBe(400);
        expect(refused.body.code).toBe("VALIDATION_ERROR");
      }
      expect((await api(server, "POST", "/e2ee/devices", { body: { signaturePublicKey: keys.signaturePublicKey } })).status).toBe(401);
    });

    it("announces a user's device changes to the user and to everyone sharing a conversation with them, not to others", async () => {
      const [dana, friend, stranger] = await Promise.all([
        registerUser(server, "dana"),
        registerUser(server, "friend"),
        registerUser(server, "stranger"),
      ]);
      await befriend(server, dana, friend);
      await befriend(server, dana, stranger);
      // Friends with a direct conversation hear of it; a friend without any shared conversation does not.
      expect((await api(server, "POST", `/e2ee/direct/${friend.id}`, { token: dana.token })).status).toBe(200);
      const sockets = await Promise.all([dana, friend, stranger].map((user) => connect(server, user.token)));
      try {
        const [toDana, toFriend, toStranger] = sockets.map((socket) => collect(socket, "e2eeDevices"));
        const device = await addDevice(server, dana);
        // Announced once the device can be added: when it has key packages, not when it is registered.
        await stock(server, device, 2);
        await Promise.all(sockets.map(roundTrip));
        expect(toDana).toEqual([{ userId: dana.id }]);
        expect(toFriend).toEqual([{ userId: dana.id }]);
        expect((await api(server, "DELETE", `/e2ee/devices/${device.id}`, { token: dana.token })).status).toBe(204);
        await Promise.all(sockets.map(roundTrip));
        expect(toDana).toEqual([{ userId: dana.id }, { userId: dana.id }]);
        expect(toFriend).toEqual([{ userId: dana.id }, { userId: dana.id }]);
        expect(toStranger).toEqual([]);
      } finally {
        for (const socket of sockets) socket.disconnect();
      }
    });

    it(`allows ${MAX_DEVICES_PER_USER} devices per user, even when registered at once`, async () => {
      const user = await registerUser(server, "many");
      const keys = await signatureKeys();
      const register = () =>
        api(server, "POST", "/e2ee/devices", { token: user.token, body: { signaturePublicKey: keys.signaturePublicKey } });
      const statuses = (await Promise.all(Array.from({ length: MAX_DEVICES_PER_USER + 5 }, register))).map((response) => response.status);
      expect(statuses.filter((status) => status === 201)).toHaveLength(MAX_DEVICES_PER_USER);
      expect(statuses.filter((status) => status === 409)).toHaveLength(5);
      const devices = await api(server, "GET", `/e2ee/devices?userId=${user.id}`, { token: user.token });
      expect(devices.body).toHaveLength(MAX_DEVICES_PER_USER);
      expect((await api(server, "DELETE", `/e2ee/devices/${devices.body[0].id}`, { token: user.token })).status).toBe(204);
      expect((await register()).status).toBe(201);
      expect((await register()).status).toBe(409);
    });

    it("lists devices to the user, friends and group co-members only; a device's details to its owner only", async () => {
      const { alice, bob, carol, eve } = await cast(server);
      const bobPhone = await addDevice(server, bob);
      const listed = await api(server, "GET", `/e2ee/devices?userId=${bob.id}`, { token: alice.token });
      expect(listed.status).toBe(200);
      expect(listed.body).toContainEqual(
        expect.objectContaining({ id: bobPhone.id, userId: bob.id, signaturePublicKey: bobPhone.keys.signaturePublicKey }),
      );
      expect((await api(server, "GET", `/e2ee/devices?userId=${bob.id}`, { token: bob.token })).status).toBe(200);
      // carol and bob are not friends: only a shared group lets carol see bob's devices.
      expect((await api(server, "GET", `/e2ee/devices?userId=${bob.id}`, { token: carol.token })).status).toBe(403);
      const group = await api(server, "POST", "/groups", { token: alice.token, body: { name: "shared" } });
      await api(server, "POST", `/groups/${group.body.id}/members/${bob.id}`, { token: alice.token });
      await api(server, "POST", `/groups/${group.body.id}/members/${carol.id}`, { token: alice.token });
      expect((await api(server, "GET", `/e2ee/devices?userId=${bob.id}`, { token: carol.token })).status).toBe(200);
      expect((await api(server, "GET", `/e2ee/devices?userId=${bob.id}`, { token: eve.token })).status).toBe(403);
      expect((await api(server, "GET", "/e2ee/devices?userId=999999", { token: eve.token })).status).toBe(404);

      const own = await api(server, "GET", `/e2ee/devices/${bobPhone.id}`, { token: bob.token });
      expect(own.body).toMatchObject({ id: bobPhone.id, keyPackages: 0, hasLastResort: false });
      expect((await api(server, "GET", `/e2ee/devices/${bobPhone.id}`, { token: alice.token })).status).toBe(404);
      expect((await api(server, "DELETE", `/e2ee/devices/${bobPhone.id}`, { token: alice.token })).status).toBe(404);
      expect((await api(server, "DELETE", `/e2ee/devices/${bobPhone.id}`, { token: bob.token })).status).toBe(204);
      expect((await api(server, "GET", `/e2ee/devices/${bobPhone.id}`, { token: bob.token })).status).toBe(404);
    });
  });
});
