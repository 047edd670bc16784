import { randomBytes } from "node:crypto";
import { deviceIdentity, MAX_KEY_PACKAGES_PER_DEVICE } from "@hestia/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addDevice, cast, claim, packageOf, stock } from "./e2ee";
import { api, befriend, registerUser, startServer, type TestServer } from "./helpers";
import { b64, keyPackage } from "./mls";

describe("end-to-end encryption", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.close());

  describe("key packages", () => {
    it("stores a device's own key packages and counts them; refuses garbage, other identities and other keys, storing nothing", async () => {
      const { alice, carol } = await cast(server);
      const device = await addDevice(server, carol);
      const other = await addDevice(server, carol, "tablet");
      const good = await packageOf(device);
      const path = `/e2ee/devices/${device.id}/key-packages`;
      const upload = (keyPackages: string[], lastResort?: string) =>
        api(server, "POST", path, { token: carol.token, body: { keyPackages, lastResort } });

      const uploaded = await upload([good.data, (await packageOf(device)).data], (await packageOf(device)).data);
      expect(uploaded.status).toBe(200);
      expect(uploaded.body).toMatchObject({ id: device.id, userId: carol.id, keyPackages: 2, hasLastResort: true });

      const wrongIdentity = await keyPackage(device.keys, { userId: carol.id, deviceId: other.id });
      const wrongKey = await keyPackage(other.keys, { userId: carol.id, deviceId: device.id });
      const otherUser = await keyPackage(device.keys, { userId: carol.id, deviceId: device.id }, deviceIdentity(alice.id, device.id));
      const cases: [string[], string | undefined, RegExp][] = [
        [[b64(randomBytes(300))], undefined, /keyPackages\.0 is not an encoded MLS message/],
        [[good.data, wrongIdentity.data], undefined, /keyPackages\.1 must carry a basic credential/],
        [[wrongKey.data], undefined, /registered signature key/],
        [[otherUser.data], undefined, /basic credential/],
        [[], b64(randomBytes(40)), /lastResort/],
      ];
      for (const [keyPackages, lastResort, message] of cases) {
        const refused = await upload(keyPackages, lastResort);
        expect(refused.status).toBe(400);
        expect(refused.body).toMatchObject({ code: "VALIDATION_ERROR", error: expect.stringMatching(message) });
      }
      expect((await api(server, "GET", `/e2ee/devices/${device.id}`, { token: carol.token })).body).toMatchObject({ keyPackages: 2 });
      expect((await api(server, "POST", path, { token: alice.token, body: { keyPackages: [good.data] } })).status).toBe(404);
    });

    it(`holds at most ${MAX_KEY_PACKAGES_PER_DEVICE} unclaimed one-time packages per device`, async () => {
      const carol = await registerUser(server, "carol");
      const device = await addDevice(server, carol);
      const { data } = await packageOf(device);
      const path = `/e2ee/devices/${device.id}/key-packages`;
      const hundred = Array.from({ length: 100 }, () => data);
      expect((await api(server, "POST", path, { token: carol.token, body: { keyPackages: hundred } })).body.keyPackages).toBe(100);
      expect((await api(server, "POST", path, { token: carol.token, body: { keyPackages: hundred.slice(1) } })).body.keyPackages).toBe(199);
      const over = await api(server, "POST", path, { token: carol.token, body: { keyPackages: [data, data] } });
      expect(over.status).toBe(409);
      expect(over.body.code).toBe("CONFLICT");
      expect((await api(server, "POST", path, { token: carol.token, body: { keyPackages: [data] } })).body.keyPackages).toBe(200);
      // The last-resort package does not count.
      expect((await api(server, "POST", path, { token: carol.token, body: { lastResort: data } })).body).toMatchObject({
        keyPackages: 200,
        hasLastResort: true,
      });

      // Uploads at the same time cannot overshoot either.
      const fresh = await addDevice(server, carol);
      const freshData = (await packageOf(fresh)).data;
      const freshPath = `/e2ee/devices/${fresh.id}/key-packages`;
      const uploads = await Promise.all(
        Array.from({ length: 3 }, () =>
          api(server, "POST", freshPath, { token: carol.token, body: { keyPackages: Array(100).fill(freshData) } }),
        ),
      );
      expect(uploads.map((upload) => upload.status).sort()).toEqual([200, 200, 409]);
      expect((await api(server, "GET", `/e2ee/devices/${fresh.id}`, { token: carol.token })).body.keyPackages).toBe(200);
    });

    it("claims: yourself and friends yes, strangers 403, unknown users 404; a group admin may claim its members'", async () => {
      const { alice, bob, carol, eve } = await cast(server);
      const bobDevice = await addDevice(server, bob);
      await stock(server, bobDevice, 3);
      expect((await claim(server, eve, { userId: bob.id })).status).toBe(403);
      expect((await claim(server, eve, { userId: 999999 })).status).toBe(404);
      expect((await claim(server, carol, { userId: bob.id })).status).toBe(403);

      const byFriend = await claim(server, alice, { userId: bob.id, deviceIds: [bobDevice.id] });
      expect(byFriend.status).toBe(200);
      expect(byFriend.body).toEqual([{ userId: bob.id, deviceId: bobDevice.id, keyPackage: expect.any(String), lastResort: false }]);
      expect((await claim(server, bob, { userId: bob.id, deviceIds: [bobDevice.id] })).body).toHaveLength(1);

      // carol is not bob's friend: she may claim his packages only once she administers a group he is in.
      const group = await api(server, "POST", "/groups", { token: alice.token, body: { name: "claims" } });
      await api(server, "POST", `/groups/${group.body.id}/members/${bob.id}`, { token: alice.token });
      await api(server, "POST", `/groups/${group.body.id}/members/${carol.id}`, { token: alice.token });
      expect((await claim(server, carol, { userId: bob.id })).status).toBe(403);
      await api(server, "PATCH", `/groups/${group.body.id}/members/${carol.id}`, { token: alice.token, body: { role: "ADMIN" } });
      const byAdmin = await claim(server, carol, { userId: bob.id, deviceIds: [bobDevice.id] });
      expect(byAdmin.status).toBe(200);
      expect(byAdmin.body).toHaveLength(1);
      expect((await api(server, "GET", `/e2ee/devices/${bobDevice.id}`, { token: bob.token })).body.keyPackages).toBe(0);
    });

    it("hands every one-time package out once, however many claim at the same time, then the last-resort one", async () => {
      const target = await registerUser(server, "popular");
      const claimers = await Promise.all(Array.from({ length: 5 }, (_, i) => registerUser(server, `fan${i}`)));
      for (const claimer of claimers) await befriend(server, target, claimer);
      const device = await addDevice(server, target);
      const quiet = await addDevice(server, target, "no packages");
      const { oneTime, lastResort } = await stock(server, device, 10, true);

      const answers = await Promise.all(Array.from({ length: 25 }, (_, i) => claim(server, claimers[i % 5]!, { userId: target.id })));
      expect(answers.map((answer) => answer.status)).toEqual(Array(25).fill(200));
      const handed = answers.map((answer) => answer.body);
      // The device without packages is left out.
      for (const result of handed) expect(result.map((c: { deviceId: number }) => c.deviceId)).toEqual([device.id]);
      const packages = handed.map((result) => result[0]);
      const oneTimeHanded = packages.filter((c) => !c.lastResort).map((c) => c.keyPackage);
      expect(oneTimeHanded.sort()).toEqual(oneTime.map((kp) => kp.data).sort());
      const lastResortHanded = packages.filter((c) => c.lastResort);
      expect(lastResortHanded).toHaveLength(15);
      for (const c of lastResortHanded) expect(c.keyPackage).toBe(lastResort!.data);
      expect((await api(server, "GET", `/e2ee/devices/${device.id}`, { token: target.token })).body).toMatchObject({
        keyPackages: 0,
        hasLastResort: true,
      });
      expect((await claim(server, claimers[0]!, { userId: target.id, deviceIds: [quiet.id] })).body).toEqual([]);

      // A new last-resort package replaces the previous one.
      const replacement = await packageOf(device);
      await api(server, "POST", `/e2ee/devices/${device.id}/key-packages`, { token: target.token, body: { lastResort: replacement.data } });
      expect((await claim(server, claimers[1]!, { userId: target.id })).body).toEqual([
        { userId: target.id, deviceId: device.id, keyPackage: replacement.data, lastResort: true },
      ]);
    });

    it("limits claims per user and minute (429 with Retry-After)", async () => {
      const limited = await startServer({ KEY_PACKAGE_CLAIMS_PER_MINUTE: "3" });
      try {
        const [a, b] = [await registerUser(limited, "a"), await registerUser(limited, "b")];
        await befriend(limited, a, b);
        for (let i = 0; i < 3; i++) expect((await claim(limited, a, { userId: b.id })).status).toBe(200);
        const refused = await claim(limited, a, { userId: b.id });
        expect(refused.status).toBe(429);
        expect(refused.body.code).toBe("RATE_LIMITED");
        expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
        // Per user: somebody else still may.
        expect((await claim(limited, b, { userId: a.id })).status).toBe(200);
      } finally {
        await limited.close();
      }
    });
  });
});
