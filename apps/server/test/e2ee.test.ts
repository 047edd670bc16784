import { randomBytes } from "node:crypto";
import { deviceIdentity, MAX_DEVICES_PER_USER, MAX_KEY_PACKAGES_PER_DEVICE } from "@hestia/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  api,
  befriend,
  collect,
  connect,
  emitAck,
  eventually,
  registerUser,
  roundTrip,
  startServer,
  type TestServer,
  type TestUser,
} from "./helpers";
import { b64, commit, encrypt, keyPackage, newGroup, type SignatureKeys, signatureKeys, type TestKeyPackage } from "./mls";

interface TestDevice {
  id: number;
  user: TestUser;
  keys: SignatureKeys;
}

async function addDevice(server: TestServer, user: TestUser, name = "phone"): Promise<TestDevice> {
  const keys = await signatureKeys();
  const response = await api(server, "POST", "/e2ee/devices", {
    token: user.token,
    body: { signaturePublicKey: keys.signaturePublicKey, name },
  });
  if (response.status !== 201) throw new Error(`device registration failed: ${response.status} ${response.text}`);
  return { id: response.body.id, user, keys };
}

const packageOf = (device: TestDevice) => keyPackage(device.keys, { userId: device.user.id, deviceId: device.id });

/** Uploads `count` fresh one-time key packages (and a last-resort one if asked); resolves with them. */
async function stock(
  server: TestServer,
  device: TestDevice,
  count: number,
  lastResort = false,
): Promise<{ oneTime: TestKeyPackage[]; lastResort?: TestKeyPackage }> {
  const oneTime = await Promise.all(Array.from({ length: count }, () => packageOf(device)));
  const last = lastResort ? await packageOf(device) : undefined;
  const response = await api(server, "POST", `/e2ee/devices/${device.id}/key-packages`, {
    token: device.user.token,
    body: { keyPackages: oneTime.map((kp) => kp.data), lastResort: last?.data },
  });
  if (response.status !== 200) throw new Error(`upload failed: ${response.status} ${response.text}`);
  return { oneTime, lastResort: last };
}

const claim = (server: TestServer, user: TestUser, body: { userId: number; deviceIds?: number[] }) =>
  api(server, "POST", "/e2ee/key-packages/claim", { token: user.token, body });

/** The key package behind a claimed one (to put into an MLS commit). */
function claimedPackage(packages: TestKeyPackage[], data: string): TestKeyPackage {
  const found = packages.find((kp) => kp.data === data);
  if (!found) throw new Error("claimed a key package that was never uploaded");
  return found;
}

describe("end-to-end encryption", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.close());

  /**
   * Four new users for one test: alice is friends with bob and with carol; bob and carol are not
   * friends; eve knows nobody.
   */
  async function cast(): Promise<{ alice: TestUser; bob: TestUser; carol: TestUser; eve: TestUser }> {
    const [alice, bob, carol, eve] = await Promise.all([
      registerUser(server, "alice"),
      registerUser(server, "bob"),
      registerUser(server, "carol"),
      registerUser(server, "eve"),
    ]);
    await Promise.all([befriend(server, alice, bob), befriend(server, alice, carol)]);
    return { alice, bob, carol, eve };
  }

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
      const { alice, bob, carol, eve } = await cast();
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

  describe("key packages", () => {
    it("stores a device's own key packages and counts them; refuses garbage, other identities and other keys, storing nothing", async () => {
      const { alice, carol } = await cast();
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
      const { alice, bob, carol, eve } = await cast();
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

  describe("conversations, commits and welcomes", () => {
    /** New users with a device each (bob's with key packages), and alice's direct conversation with bob, unless `open` is false. */
    async function devices({ open = true } = {}) {
      const users = await cast();
      const [aliceDevice, bobDevice] = await Promise.all([addDevice(server, users.alice), addDevice(server, users.bob)]);
      const bobPackages = (await stock(server, bobDevice, 5)).oneTime;
      let conversationId = 0;
      if (open) {
        conversationId = (await api(server, "POST", `/e2ee/direct/${users.bob.id}`, { token: users.alice.token })).body.conversationId;
        await api(server, "POST", `/messages/direct/${users.bob.id}`, { token: users.alice.token, body: { content: "plain first" } });
      }
      return { ...users, aliceDevice, bobDevice, bobPackages, conversationId };
    }

    /** Commits the MLS group of the conversation made by `devices()`, welcoming bob's device: epoch 1. */
    async function firstCommit({ alice, bob, aliceDevice, bobDevice, bobPackages, conversationId }: Awaited<ReturnType<typeof devices>>) {
      const claimed = await claim(server, alice, { userId: bob.id, deviceIds: [bobDevice.id] });
      const created = await commit(await newGroup(conversationId, await packageOf(aliceDevice)), [
        claimedPackage(bobPackages, claimed.body[0].keyPackage).publicPackage,
      ]);
      const body = {
        deviceId: aliceDevice.id,
        epoch: 0,
        commit: created.commit,
        welcome: { data: created.welcome, deviceIds: [bobDevice.id] },
      };
      const accepted = await api(server, "POST", `/e2ee/conversations/${conversationId}/commits`, { token: alice.token, body });
      return { created, accepted };
    }

    /** `devices()` with the first commit made: alice's MLS state is at epoch 1. */
    async function established() {
      const fixture = await devices();
      const { created, accepted } = await firstCommit(fixture);
      expect(accepted.status).toBe(201);
      return { ...fixture, state: created.state };
    }

    it("opens the direct conversation with a friend, with both users' devices; nobody else sees it", async () => {
      const { alice, bob, eve, aliceDevice, bobDevice } = await devices({ open: false });
      const opened = await api(server, "POST", `/e2ee/direct/${bob.id}`, { token: alice.token });
      expect(opened.status).toBe(200);
      const conversationId = opened.body.conversationId;
      expect(opened.body).toMatchObject({ kind: "DIRECT", peerUserId: bob.id, epoch: 0, encrypted: false });
      expect(opened.body.groupId).toBeUndefined();
      const members = Object.fromEntries(opened.body.members.map((m: { userId: number }) => [m.userId, m]));
      expect(members[alice.id]).toMatchObject({
        role: "MEMBER",
        devices: expect.arrayContaining([expect.objectContaining({ id: aliceDevice.id })]),
      });
      expect(members[bob.id].devices).toContainEqual(
        expect.objectContaining({ id: bobDevice.id, signaturePublicKey: bobDevice.keys.signaturePublicKey }),
      );
      // The same conversation the DMs go to.
      const dm = await api(server, "POST", `/messages/direct/${bob.id}`, { token: alice.token, body: { content: "plain first" } });
      expect(dm.body.conversationId).toBe(conversationId);
      const seenByBob = await api(server, "GET", `/e2ee/conversations/${conversationId}`, { token: bob.token });
      expect(seenByBob.body).toMatchObject({ conversationId, kind: "DIRECT", peerUserId: alice.id });

      expect((await api(server, "GET", `/e2ee/conversations/${conversationId}`, { token: eve.token })).status).toBe(404);
      expect((await api(server, "POST", `/e2ee/direct/${eve.id}`, { token: alice.token })).status).toBe(403);
      expect((await api(server, "POST", `/e2ee/direct/${alice.id}`, { token: alice.token })).status).toBe(400);
      expect((await api(server, "POST", "/e2ee/direct/999999", { token: alice.token })).status).toBe(404);
    });

    it("accepts the first commit with its welcome; tells the members and the welcomed device", async () => {
      const fixture = await devices();
      const { alice, bob, bobDevice, conversationId } = fixture;
      const bobSocket = await connect(server, bob.token);
      const commits = collect(bobSocket, "e2eeCommit");
      const welcomes = collect(bobSocket, "e2eeWelcome");
      const { created, accepted } = await firstCommit(fixture);
      expect(accepted.status).toBe(201);
      expect(accepted.body).toEqual({ epoch: 1, afterMessageId: expect.any(Number) });
      const history = await api(server, "GET", `/messages/direct/${bob.id}`, { token: alice.token });
      expect(accepted.body.afterMessageId).toBe(history.body.at(-1).id);

      await roundTrip(bobSocket);
      expect(commits).toEqual([{ conversationId, epoch: 1 }]);
      expect(welcomes).toEqual([{ conversationId, deviceIds: [bobDevice.id] }]);
      const pending = await api(server, "GET", `/e2ee/devices/${bobDevice.id}/welcomes`, { token: bob.token });
      expect(pending.body).toEqual([
        {
          id: expect.any(Number),
          conversationId,
          kind: "DIRECT",
          peerUserId: alice.id,
          epoch: 1,
          welcome: created.welcome,
          afterMessageId: accepted.body.afterMessageId,
        },
      ]);
      expect((await api(server, "GET", `/e2ee/devices/${bobDevice.id}/welcomes`, { token: alice.token })).status).toBe(404);
      expect((await api(server, "DELETE", `/e2ee/welcomes/${pending.body[0].id}`, { token: alice.token })).status).toBe(404);
      expect((await api(server, "DELETE", `/e2ee/welcomes/${pending.body[0].id}`, { token: bob.token })).status).toBe(204);
      expect((await api(server, "DELETE", `/e2ee/welcomes/${pending.body[0].id}`, { token: bob.token })).status).toBe(404);
      expect((await api(server, "GET", `/e2ee/devices/${bobDevice.id}/welcomes`, { token: bob.token })).body).toEqual([]);
      expect((await api(server, "GET", `/e2ee/conversations/${conversationId}`, { token: bob.token })).body.epoch).toBe(1);
      bobSocket.close();
    });

    it("refuses commits that are garbage, of another group or epoch, from someone else's device, or welcoming strangers", async () => {
      const { alice, carol, eve, aliceDevice, bobDevice, conversationId, state } = await established();
      const next = await commit(state);
      const path = `/e2ee/conversations/${conversationId}/commits`;
      const post = (body: object, user = alice) =>
        api(server, "POST", path, { token: user.token, body: { deviceId: aliceDevice.id, epoch: 1, commit: next.commit, ...body } });
      const foreign = await commit(await newGroup(conversationId + 1000, await packageOf(aliceDevice)));
      const eveDevice = await addDevice(server, eve);
      const cases: [object, number, RegExp][] = [
        [{ commit: b64(randomBytes(200)) }, 400, /not an encoded MLS message/],
        [{ commit: foreign.commit, epoch: 0 }, 400, /another MLS group/],
        [{ epoch: 2 }, 400, /made in epoch 1, not 2/],
        [{ commit: (await encrypt(state, "hi")).ciphertext }, 400, /not a commit/],
        [{ deviceId: bobDevice.id }, 400, /not a device of yours/],
        [{ welcome: { data: b64(randomBytes(100)), deviceIds: [bobDevice.id] } }, 400, /welcome\.data/],
        [{ welcome: { data: foreign.commit, deviceIds: [bobDevice.id] } }, 400, /not a welcome/],
        [
          { welcome: { data: (await commit(state, [(await packageOf(eveDevice)).publicPackage])).welcome, deviceIds: [eveDevice.id] } },
          400,
          /not a device of a member/,
        ],
        [{ members: { add: [carol.id] } }, 400, /encrypted group/],
      ];
      for (const [body, status, message] of cases) {
        const refused = await post(body);
        expect(refused.status, JSON.stringify(body).slice(0, 80)).toBe(status);
        expect(refused.body.error).toMatch(message);
      }
      expect((await post({}, eve)).status).toBe(404);
      expect((await api(server, "GET", `/e2ee/conversations/${conversationId}`, { token: alice.token })).body.epoch).toBe(1);
    });

    it("accepts exactly one commit per epoch when several race for it", async () => {
      const { alice, bob, eve, aliceDevice, conversationId, ...fixture } = await established();
      let state = fixture.state;
      const path = `/e2ee/conversations/${conversationId}/commits`;
      for (let round = 0; round < 5; round++) {
        const epoch = 1 + round;
        const rivals = await Promise.all([commit(state), commit(state), commit(state)]);
        const answers = await Promise.all(
          rivals.map((rival) =>
            api(server, "POST", path, { token: alice.token, body: { deviceId: aliceDevice.id, epoch, commit: rival.commit } }),
          ),
        );
        expect(answers.map((answer) => answer.status).sort()).toEqual([201, 409, 409]);
        for (const answer of answers.filter((a) => a.status === 409)) {
          expect(answer.body).toEqual({ code: "CONFLICT", error: "Another commit was accepted for this epoch: apply it and try again" });
        }
        state = rivals[answers.findIndex((answer) => answer.status === 201)]!.state;
      }
      const stale = await api(server, "POST", path, {
        token: alice.token,
        body: { deviceId: aliceDevice.id, epoch: 1, commit: (await commit(state)).commit },
      });
      expect(stale.status).toBe(400); // made in epoch 6, not 1

      const all = await api(server, "GET", `${path}?fromEpoch=0`, { token: bob.token });
      expect(all.body.map((c: { epoch: number }) => c.epoch)).toEqual([0, 1, 2, 3, 4, 5]);
      expect(all.body[0]).toEqual({ epoch: 0, deviceId: aliceDevice.id, commit: expect.any(String), createdAt: expect.any(String) });
      const page = await api(server, "GET", `${path}?fromEpoch=2&limit=2`, { token: bob.token });
      expect(page.body.map((c: { epoch: number }) => c.epoch)).toEqual([2, 3]);
      expect((await api(server, "GET", path, { token: eve.token })).status).toBe(404);
    });

    it("stores encrypted DMs as ciphertext, delivers them, and refuses garbage, other groups' and stale ones", async () => {
      const { alice, bob, eve, aliceDevice, conversationId, ...fixture } = await established();
      let state = fixture.state;
      const bobSocket = await connect(server, bob.token);
      const received = collect(bobSocket, "newDM");
      const { ciphertext, state: after } = await encrypt(state, "secret hello");
      const sent = await api(server, "POST", `/messages/direct/${bob.id}`, { token: alice.token, body: { encrypted: true, ciphertext } });
      expect(sent.status).toBe(201);
      expect(sent.body).toMatchObject({ encrypted: true, content: null, ciphertext, recipientId: bob.id, conversationId });
      await eventually(() => expect(received).toEqual([sent.body]));
      const history = await api(server, "GET", `/messages/direct/${alice.id}`, { token: bob.token });
      expect(history.body.at(-1)).toEqual(sent.body);
      expect(history.body.at(-2)).toMatchObject({ encrypted: false, content: "plain first" });
      expect(history.body.at(-2).ciphertext).toBeUndefined();
      state = after;

      const overSocket = await emitAck(bobSocket, "sendDM", {
        toId: alice.id,
        encrypted: true,
        ciphertext: (await encrypt(state, "again")).ciphertext,
      });
      expect(overSocket).toMatchObject({ encrypted: true, content: null, userId: bob.id });

      const send = (body: object) => api(server, "POST", `/messages/direct/${bob.id}`, { token: alice.token, body });
      expect((await send({ encrypted: true, ciphertext: b64(randomBytes(120)) })).status).toBe(400);
      const otherGroup = await encrypt(await newGroup(conversationId + 1, await packageOf(aliceDevice)), "lost");
      expect((await send({ encrypted: true, ciphertext: otherGroup.ciphertext })).body).toMatchObject({
        code: "VALIDATION_ERROR",
        error: expect.stringMatching(/another conversation/),
      });
      expect((await send({ encrypted: true, content: "both" })).status).toBe(400);
      expect((await send({ ciphertext })).status).toBe(400);

      // The epoch moves on; a message encrypted before that is refused and not stored...
      const retried = await encrypt(state, "sent before the commit");
      state = retried.state;
      const original = await send({ encrypted: true, ciphertext: retried.ciphertext, idempotencyKey: "retry-after-commit" });
      expect(original.status).toBe(201);
      const moved = await commit(state);
      const staleMessage = await encrypt(state, "too late");
      await api(server, "POST", `/e2ee/conversations/${conversationId}/commits`, {
        token: alice.token,
        body: { deviceId: aliceDevice.id, epoch: 1, commit: moved.commit },
      });
      const stale = await send({ encrypted: true, ciphertext: staleMessage.ciphertext });
      expect(stale.status).toBe(409);
      expect(stale.body).toEqual({
        code: "CONFLICT",
        error: "The conversation's MLS epoch moved on: process the new commits and encrypt again",
      });
      // ...but a retry of a message stored before the commit (its answer was lost) gets the original.
      const retry = await send({ encrypted: true, ciphertext: retried.ciphertext, idempotencyKey: "retry-after-commit" });
      expect(retry.status).toBe(201);
      expect(retry.body).toEqual(original.body);
      const fresh = await send({ encrypted: true, ciphertext: (await encrypt(moved.state, "on time")).ciphertext });
      expect(fresh.status).toBe(201);
      expect((await emitAck(bobSocket, "sendDM", { toId: alice.id, encrypted: true, ciphertext: staleMessage.ciphertext })).code).toBe(
        "CONFLICT",
      );
      const last = await api(server, "GET", `/messages/direct/${alice.id}?limit=2`, { token: bob.token });
      expect(last.body.map((m: { id: number }) => m.id)).toEqual([original.body.id, fresh.body.id]);
      // Non-friends hear that they are not friends, not anything about epochs.
      expect(
        (await api(server, "POST", `/messages/direct/${bob.id}`, { token: eve.token, body: { encrypted: true, ciphertext } })).status,
      ).toBe(403);
      bobSocket.close();
    });
  });

  describe("encrypted groups", () => {
    /**
     * New users with a device each, and alice's new encrypted group "Vault" with its MLS group at epoch 0.
     * `addThrough` makes alice (or another member) commit adding devices, keeping alice's MLS state.
     */
    async function vault() {
      const users = await cast();
      const { alice, bob } = users;
      const [aliceDevice, bobDevice, carolDevice] = await Promise.all([
        addDevice(server, alice),
        addDevice(server, bob),
        addDevice(server, users.carol),
      ]);
      const created = await api(server, "POST", "/groups", { token: alice.token, body: { name: "Vault", encrypted: true } });
      expect(created.body).toMatchObject({ encrypted: true, role: "OWNER" });
      const groupId: number = created.body.id;
      const group = {
        ...users,
        aliceDevice,
        bobDevice,
        carolDevice,
        groupId,
        path: `/e2ee/conversations/${groupId}/commits`,
        /** Alice's MLS state of the group. */
        state: await newGroup(groupId, await packageOf(aliceDevice)),
        epoch: 0,
        /** Commits adding these devices' fresh key packages, made from alice's state; resolves with the response. */
        async addThrough(devices: TestDevice[], members?: object, user = alice) {
          const packages = await Promise.all(devices.map(packageOf));
          const made = await commit(
            group.state,
            packages.map((kp) => kp.publicPackage),
          );
          const body = {
            deviceId: user === alice ? aliceDevice.id : user === bob ? bobDevice.id : carolDevice.id,
            epoch: group.epoch,
            commit: made.commit,
            welcome: devices.length ? { data: made.welcome, deviceIds: devices.map((d) => d.id) } : undefined,
            members,
          };
          const response = await api(server, "POST", group.path, { token: user.token, body });
          if (response.status === 201) {
            group.state = made.state;
            group.epoch = response.body.epoch;
          }
          return response;
        },
      };
      return group;
    }

    /** `vault()` with bob added through a commit. */
    async function vaultWithBob() {
      const group = await vault();
      expect((await group.addThrough([group.bobDevice], { add: [group.bob.id] })).status).toBe(201);
      return group;
    }

    it("adds members only through a commit by an admin, to friends, with every group endpoint showing encrypted", async () => {
      const { alice, bob, carol, eve, bobDevice, carolDevice, groupId, addThrough } = await vault();
      const plain = await api(server, "POST", `/groups/${groupId}/members/${bob.id}`, { token: alice.token });
      expect(plain.status).toBe(409);
      expect(plain.body.error).toBe(
        "Membership of an encrypted group changes through an MLS commit (POST /e2ee/conversations/{id}/commits)",
      );
      expect((await addThrough([], { add: [eve.id] })).status).toBe(403);
      expect((await addThrough([], { add: [999999] })).status).toBe(404);
      expect((await addThrough([], { add: [bob.id], remove: [bob.id] })).status).toBe(400);

      const bobSocket = await connect(server, bob.token);
      const welcomes = collect(bobSocket, "e2eeWelcome");
      const added = await addThrough([bobDevice], { add: [bob.id] });
      expect(added.status).toBe(201);
      expect(added.body).toEqual({ epoch: 1, afterMessageId: 0 });
      await roundTrip(bobSocket);
      expect(welcomes).toEqual([{ conversationId: groupId, deviceIds: [bobDevice.id] }]);
      const welcome = (await api(server, "GET", `/e2ee/devices/${bobDevice.id}/welcomes`, { token: bob.token })).body;
      expect(welcome).toEqual([expect.objectContaining({ conversationId: groupId, kind: "GROUP", groupId, epoch: 1 })]);
      expect(welcome[0].peerUserId).toBeUndefined();
      expect((await addThrough([], { add: [bob.id] })).status).toBe(409);

      const group = await api(server, "GET", `/groups/${groupId}`, { token: bob.token });
      expect(group.body).toMatchObject({ encrypted: true, role: "MEMBER", memberCount: 2 });
      expect((await api(server, "GET", "/groups", { token: bob.token })).body).toContainEqual(
        expect.objectContaining({ id: groupId, encrypted: true }),
      );
      const view = await api(server, "GET", `/e2ee/conversations/${groupId}`, { token: bob.token });
      expect(view.body).toMatchObject({ conversationId: groupId, kind: "GROUP", groupId, epoch: 1, encrypted: true });
      expect(view.body.members.map((m: { userId: number; role: string }) => [m.userId, m.role])).toEqual([
        [alice.id, "OWNER"],
        [bob.id, "MEMBER"],
      ]);

      // bob is no admin; and carol is not his friend anyway.
      const byMember = await addThrough([carolDevice], { add: [carol.id] }, bob);
      expect(byMember.status).toBe(403);
      expect(byMember.body.error).toBe("Only the group's admins can do this");
      bobSocket.close();
    });

    it("takes only ciphertext of the current epoch, and delivers it to joined members", async () => {
      const group = await vaultWithBob();
      const { alice, bob, eve, groupId, addThrough } = group;
      const bobSocket = await connect(server, bob.token);
      await emitAck(bobSocket, "joinGroup", { groupId });
      const received = collect(bobSocket, "newGroupMessage");
      const plain = await api(server, "POST", `/groups/${groupId}/messages`, { token: alice.token, body: { content: "hello?" } });
      expect(plain.status).toBe(400);
      expect(plain.body).toEqual({ code: "BAD_REQUEST", error: "This group accepts only end-to-end encrypted messages" });
      expect((await emitAck(bobSocket, "sendGroupMessage", { groupId, content: "hi" })).code).toBe("BAD_REQUEST");

      const { ciphertext, state: after } = await encrypt(group.state, "group secret");
      const sent = await api(server, "POST", `/groups/${groupId}/messages`, { token: alice.token, body: { encrypted: true, ciphertext } });
      expect(sent.status).toBe(201);
      expect(sent.body).toMatchObject({ groupId, encrypted: true, content: null, ciphertext });
      await eventually(() => expect(received).toEqual([sent.body]));
      group.state = after;
      expect((await api(server, "GET", `/groups/${groupId}/messages`, { token: bob.token })).body).toEqual([sent.body]);
      expect(
        (await api(server, "POST", `/groups/${groupId}/messages`, { token: eve.token, body: { encrypted: true, ciphertext } })).status,
      ).toBe(404);

      const stale = await encrypt(group.state, "stale");
      expect((await addThrough([])).status).toBe(201);
      expect(
        (
          await api(server, "POST", `/groups/${groupId}/messages`, {
            token: alice.token,
            body: { encrypted: true, ciphertext: stale.ciphertext },
          })
        ).status,
      ).toBe(409);
      expect((await emitAck(bobSocket, "sendGroupMessage", { groupId, encrypted: true, ciphertext: stale.ciphertext })).code).toBe(
        "CONFLICT",
      );
      bobSocket.close();
    });

    it("removes members through a commit: admins remove members, only the owner removes admins, nobody the owner", async () => {
      const group = await vaultWithBob();
      const { alice, bob, carol, eve, carolDevice, groupId, addThrough, path } = group;
      expect((await addThrough([carolDevice], { add: [carol.id] })).status).toBe(201);
      await api(server, "PATCH", `/groups/${groupId}/members/${carol.id}`, { token: alice.token, body: { role: "ADMIN" } });
      const plainRemove = await api(server, "DELETE", `/groups/${groupId}/members/${bob.id}`, { token: alice.token });
      expect(plainRemove.status).toBe(409);

      // The commits are made from alice's state: the server sees only their framing, and alice keeps a state to encrypt with.
      const carolCommit = async (members: object) => {
        const made = await commit(group.state);
        const response = await api(server, "POST", path, {
          token: carol.token,
          body: { deviceId: carolDevice.id, epoch: group.epoch, commit: made.commit, members },
        });
        if (response.status === 201) [group.state, group.epoch] = [made.state, response.body.epoch];
        return response;
      };
      expect((await carolCommit({ remove: [alice.id] })).status).toBe(403);
      expect((await carolCommit({ remove: [eve.id] })).status).toBe(404);

      const bobSocket = await connect(server, bob.token);
      await emitAck(bobSocket, "joinGroup", { groupId });
      const received = collect(bobSocket, "newGroupMessage");
      const commits = collect(bobSocket, "e2eeCommit");
      const removed = await carolCommit({ remove: [bob.id] });
      expect(removed.status).toBe(201);
      // Every member but bob hears of it; bob's sockets leave the room at once.
      const after = await api(server, "POST", `/groups/${groupId}/messages`, {
        token: alice.token,
        body: { encrypted: true, ciphertext: (await encrypt(group.state, "x")).ciphertext },
      });
      expect(after.status).toBe(201);
      expect((await api(server, "GET", `/groups/${groupId}`, { token: bob.token })).status).toBe(404);
      expect((await api(server, "GET", path, { token: bob.token })).status).toBe(404);
      await roundTrip(bobSocket);
      expect(received).toEqual([]);
      expect(commits).toEqual([]);
      const members = (await api(server, "GET", `/e2ee/conversations/${groupId}`, { token: alice.token })).body.members;
      expect(members.map((m: { userId: number }) => m.userId).sort()).toEqual([alice.id, carol.id].sort());
      bobSocket.close();

      // Leaving yourself stays a plain call.
      expect((await api(server, "DELETE", `/groups/${groupId}/members/${carol.id}`, { token: carol.token })).status).toBe(204);
    });
  });
});
