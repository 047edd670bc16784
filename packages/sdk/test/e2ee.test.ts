import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dumpDatabase, type FakeFcm, findSecret, memoryLogger, startFakeFcm, startServer, type TestServer } from "@hestia/server/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import * as mls from "../src/e2ee/mls";
import { createClient, type DecryptedMessage, type E2eeStorage, type HestiaError, type Message, memoryStorage } from "../src/index";
import { fileStorage } from "../src/node";
import { makeFriends, type SignedIn, signUp } from "./setup";

let server: TestServer;
let fcm: FakeFcm;
const logs = memoryLogger();
const clients: SignedIn[] = [];
const directories: string[] = [];

beforeAll(async () => {
  fcm = await startFakeFcm();
  fcm.behave(() => "ok");
  server = await startServer(
    { FIREBASE_SERVICE_ACCOUNT: fcm.serviceAccount, KEY_PACKAGE_CLAIMS_PER_MINUTE: "10000" },
    { firebase: { httpAgent: fcm.agent, credential: fcm.credential }, logger: logs.logger },
  );
});
afterEach(() => {
  for (const user of clients.splice(0)) user.client.realtime.disconnect();
});
afterAll(async () => {
  await server.close();
  await fcm.close();
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
});

interface Device extends SignedIn {
  storage: E2eeStorage;
  received: DecryptedMessage[];
  errors: HestiaError[];
}

/** Follows a client's decrypted messages and errors. */
function watch(user: SignedIn, storage: E2eeStorage): Device {
  const device: Device = { ...user, storage, received: [], errors: [] };
  user.client.e2ee.on("message", (message) => device.received.push(message));
  user.client.e2ee.on("error", (error) => device.errors.push(error));
  clients.push(user);
  return device;
}

/** A new user with an encryption-enabled device. */
async function enabledUser(prefix: string, storage: E2eeStorage = memoryStorage()): Promise<Device> {
  const user = await signUp(server, prefix, { e2ee: { storage } });
  const device = watch(user, storage);
  await user.client.e2ee.enable();
  return device;
}

/** Another device (SDK instance) of an existing user. */
async function secondDevice(of: SignedIn, storage: E2eeStorage = memoryStorage(), options: { fetch?: typeof fetch } = {}): Promise<Device> {
  const client = createClient({ baseUrl: server.url, token: of.client.token, e2ee: { storage }, ...options });
  const device = watch({ client, id: of.id, username: of.username }, storage);
  await client.e2ee.enable();
  return device;
}

const texts = (device: Device) => device.received.map((message) => message.text);
const marker = () => `MARKER-${crypto.randomUUID()}`;

describe("end-to-end encryption", () => {
  it("two and three clients exchange DMs and group messages that the server, its logs and pushes never see", async () => {
    const secret = marker();
    const [alice, bob, carol] = await Promise.all([enabledUser("alice"), enabledUser("bob"), enabledUser("carol")]);
    // Dave uses no encryption and is offline with a push token: he sees that messages are encrypted, and gets pushes.
    const dave = await signUp(server, "dave");
    await dave.client.users.setFcmToken("dave-phone");
    await Promise.all([makeFriends(alice, bob), makeFriends(alice, carol), makeFriends(alice, dave), makeFriends(bob, carol)]);

    const sent = await alice.client.e2ee.sendDM(bob.id, `hello bob ${secret}`);
    expect(sent).toMatchObject({
      text: `hello bob ${secret}`,
      peerUserId: bob.id,
      sender: { userId: alice.id, deviceId: alice.client.e2ee.deviceId },
    });
    await vi.waitFor(() => expect(texts(bob)).toEqual([`hello bob ${secret}`]));
    expect(bob.received[0]).toMatchObject({
      id: sent.id,
      peerUserId: alice.id,
      sender: { userId: alice.id, deviceId: alice.client.e2ee.deviceId, username: alice.username },
    });
    await bob.client.e2ee.sendDM(alice.id, `hello alice ${secret}`);
    await vi.waitFor(() => expect(texts(alice)).toEqual([`hello alice ${secret}`]));

    // What a plain client reads: an encrypted message, no content.
    const history = await bob.client.dms.history(alice.id);
    expect(history.map((message) => [message.encrypted, message.content])).toEqual([
      [true, null],
      [true, null],
    ]);
    expect(history[0]!.ciphertext).toMatch(/^[A-Za-z0-9+/]+=*$/);

    const group = await alice.client.e2ee.createGroup({ name: "Book club", members: [bob.id, carol.id, dave.id] });
    expect(group.encrypted).toBe(true);
    await alice.client.e2ee.sendGroupMessage(group.id, `to the club ${secret}`);
    await carol.client.e2ee.sendGroupMessage(group.id, `carol here ${secret}`);
    await vi.waitFor(() => expect(texts(bob)).toEqual([`hello bob ${secret}`, `to the club ${secret}`, `carol here ${secret}`]));
    await vi.waitFor(() => expect(texts(carol)).toEqual([`to the club ${secret}`]));
    await vi.waitFor(() => expect(texts(alice)).toEqual([`hello alice ${secret}`, `carol here ${secret}`]));
    expect(carol.received[0]).toMatchObject({ groupId: group.id, sender: { userId: alice.id } });

    // A plain send to an encrypted group is refused.
    await expect(alice.client.groups.sendMessage(group.id, { content: "in the clear" })).rejects.toMatchObject({ status: 400 });

    await server.app.deps.push.idle();
    const pushes = fcm.sends().filter((push) => push.token === "dave-phone");
    expect(pushes.length).toBe(2);
    expect(pushes[0]!.notification).toEqual({ title: `${alice.username} in Book club`, body: "New encrypted message" });

    for (const [where, text] of [
      ["database", await dumpDatabase(server)],
      ["logs", logs.text()],
      ["pushes", JSON.stringify(fcm.requests)],
    ] as const) {
      expect({ where, found: findSecret(text, secret) }).toEqual({ where, found: [] });
    }
    // The scan itself finds the marker in each form it looks for.
    expect(findSecret(`x${Buffer.from(`..${secret}..`).toString("base64")}x`, secret)).toContain("base64 (decoded)");
    expect(findSecret(Buffer.from(secret).toString("hex"), secret)).toContain("hex");
    // The logs did record the traffic: every request and socket event, without bodies.
    expect(logs.text()).toContain(`"path":"/groups/${group.id}/messages"`);
    expect(logs.text()).toContain(`"path":"/e2ee/conversations/${group.id}/commits"`);
    expect(alice.errors.concat(bob.errors, carol.errors)).toEqual([]);
  });

  it("a removed member cannot decrypt what is sent after the removal", async () => {
    const [alice, bob, carol] = await Promise.all([enabledUser("alice"), enabledUser("bob"), enabledUser("carol")]);
    await Promise.all([makeFriends(alice, bob), makeFriends(alice, carol)]);
    const group = await alice.client.e2ee.createGroup({ name: "Plans", members: [bob.id, carol.id] });
    await alice.client.e2ee.sendGroupMessage(group.id, "before");
    await vi.waitFor(() => expect(texts(carol)).toEqual(["before"]));

    await alice.client.e2ee.removeMember(group.id, carol.id);
    expect((await alice.client.groups.get(group.id)).members.map((member) => member.id).sort()).toEqual([alice.id, bob.id].sort());
    const after = await alice.client.e2ee.sendGroupMessage(group.id, "after the removal");
    await vi.waitFor(() => expect(texts(bob)).toEqual(["before", "after the removal"]));

    // Carol's device, given the ciphertext anyway, cannot read it with the group state it kept.
    const [stored] = await bob.client.groups.messages(group.id, { limit: 1 });
    expect(stored!.id).toBe(after.id);
    const carolState = JSON.parse((await carol.storage.get(`hestia-e2ee.${carol.id}.conversation.${group.id}`))!) as { state: string };
    expect(await mls.decrypt(mls.decodeGroup(carolState.state), stored!.ciphertext!)).toMatchObject({ ok: false });
    await expect(carol.client.groups.messages(group.id)).rejects.toMatchObject({ status: 404 });
    expect(texts(carol)).toEqual(["before"]);
  });

  it("a user's second device receives what is sent after it joined", async () => {
    const [alice, bob] = await Promise.all([enabledUser("alice"), enabledUser("bob")]);
    await makeFriends(alice, bob);
    await alice.client.e2ee.sendDM(bob.id, "only for the first device");
    await vi.waitFor(() => expect(texts(bob)).toEqual(["only for the first device"]));

    // The new tablet can write at once: an online device of the conversation adds it as soon as it is registered.
    const bobTablet = await secondDevice(bob);
    expect(bobTablet.client.e2ee.deviceId).not.toBe(bob.client.e2ee.deviceId);
    await bobTablet.client.e2ee.sendDM(alice.id, "from the tablet");
    await vi.waitFor(() => expect(texts(alice)).toEqual(["from the tablet"]));
    // The tablet's sends reach the phone too, as the same user's other device.
    await vi.waitFor(() => expect(texts(bob)).toEqual(["only for the first device", "from the tablet"]));
    expect(bob.received[1]!.sender).toMatchObject({ userId: bob.id, deviceId: bobTablet.client.e2ee.deviceId });
    await alice.client.e2ee.sendDM(bob.id, "for both devices");
    await vi.waitFor(() => expect(texts(bobTablet)).toEqual(["for both devices"]));
    await vi.waitFor(() => expect(texts(bob)).toEqual(["only for the first device", "from the tablet", "for both devices"]));
    const numberWithTablet = await alice.client.e2ee.safetyNumber(bob.id);
    expect(numberWithTablet).toBe(await bob.client.e2ee.safetyNumber(alice.id));

    // The tablet is lost: the phone removes it, and it reads nothing sent afterwards.
    expect((await bob.client.e2ee.devices()).map((device) => device.id).sort()).toEqual(
      [bob.client.e2ee.deviceId, bobTablet.client.e2ee.deviceId].sort(),
    );
    await bob.client.e2ee.removeDevice(bobTablet.client.e2ee.deviceId!);
    expect((await bob.client.e2ee.devices()).map((device) => device.id)).toEqual([bob.client.e2ee.deviceId]);
    const afterLoss = await alice.client.e2ee.sendDM(bob.id, "after the tablet was lost");
    await vi.waitFor(() => expect(texts(bob).at(-1)).toBe("after the tablet was lost"));
    const tabletState = JSON.parse((await bobTablet.storage.get(`hestia-e2ee.${bob.id}.conversation.${afterLoss.conversationId}`))!) as {
      state: string;
    };
    const [stored] = await alice.client.dms.history(bob.id, { limit: 1 });
    expect(await mls.decrypt(mls.decodeGroup(tabletState.state), stored!.ciphertext!)).toMatchObject({ ok: false });
    expect(texts(bobTablet)).toEqual(["for both devices"]);
    // Its sessions were signed out: the lost tablet cannot come back, not even as a new device.
    const comeback = createClient({ baseUrl: server.url, token: bobTablet.client.token, e2ee: { storage: memoryStorage() } });
    await expect(comeback.e2ee.enable()).rejects.toMatchObject({ status: 401 });
    // The safety number changed with the devices.
    expect(await alice.client.e2ee.safetyNumber(bob.id)).not.toBe(numberWithTablet);
  });

  it("a device removed but still signed in starts over as a new device, without its old state", async () => {
    const [alice, bob] = await Promise.all([enabledUser("alice"), enabledUser("bob")]);
    await makeFriends(alice, bob);
    const tablet = await secondDevice(bob);
    await alice.client.e2ee.sendDM(bob.id, "before");
    await vi.waitFor(() => expect(texts(tablet)).toEqual(["before"]));
    const oldId = tablet.client.e2ee.deviceId;
    await bob.client.e2ee.removeDevice(oldId!, { signOutEverywhere: false });
    tablet.client.realtime.disconnect();

    const again = await secondDevice(bob, tablet.storage);
    expect(again.client.e2ee.deviceId).not.toBe(oldId);
    await alice.client.e2ee.sendDM(bob.id, "after");
    await vi.waitFor(() => expect(texts(again)).toEqual(["after"]));
    expect(again.errors).toEqual([]);
  });

  it("a device restarted from its storage keeps decrypting and sending", async () => {
    const directory = mkdtempSync(join(tmpdir(), "hestia-e2ee-"));
    directories.push(directory);
    const [alice, bob] = await Promise.all([enabledUser("alice"), enabledUser("bob", fileStorage(directory))]);
    await makeFriends(alice, bob);
    await alice.client.e2ee.sendDM(bob.id, "one");
    await vi.waitFor(() => expect(texts(bob)).toEqual(["one"]));
    const deviceId = bob.client.e2ee.deviceId;
    bob.client.realtime.disconnect();

    // Written while Bob's app is closed.
    await alice.client.e2ee.sendDM(bob.id, "two");
    await alice.client.e2ee.sendDM(bob.id, "three");

    const restarted = await secondDevice(bob, fileStorage(directory));
    expect(restarted.client.e2ee.deviceId).toBe(deviceId);
    await vi.waitFor(() => expect(texts(restarted)).toEqual(["two", "three"]));
    await restarted.client.e2ee.sendDM(alice.id, "back again");
    await alice.client.e2ee.sendDM(bob.id, "four");
    await vi.waitFor(() => expect(texts(alice)).toEqual(["back again"]));
    await vi.waitFor(() => expect(texts(restarted)).toEqual(["two", "three", "four"]));
    expect(restarted.errors).toEqual([]);
  });

  it("concurrent commits converge: one is refused with 409, the other device applies it and goes on", async () => {
    // Both first devices' commit requests are held until both are on their way: a real race for one epoch.
    const commitAnswers: number[] = [];
    const held: (() => void)[] = [];
    let holding = false;
    const racing: typeof fetch = async (input, init) => {
      const isCommit = String(input).includes("/commits") && init?.method === "POST";
      if (isCommit && holding) {
        await new Promise<void>((release) => {
          held.push(release);
          if (held.length === 2) {
            holding = false;
            for (const go of held) go();
          }
        });
      }
      const response = await fetch(input, init);
      if (isCommit) commitAnswers.push(response.status);
      return response;
    };
    const aliceStorage = memoryStorage();
    const bobStorage = memoryStorage();
    const alice = watch(await signUp(server, "alice", { fetch: racing, e2ee: { storage: aliceStorage } }), aliceStorage);
    const bob = watch(await signUp(server, "bob", { fetch: racing, e2ee: { storage: bobStorage } }), bobStorage);
    await Promise.all([alice.client.e2ee.enable(), bob.client.e2ee.enable()]);
    await makeFriends(alice, bob);
    await alice.client.e2ee.sendDM(bob.id, "start");
    await vi.waitFor(() => expect(texts(bob)).toEqual(["start"]));

    // New devices on both sides while the first devices are offline: both first devices add them on their next send.
    alice.client.realtime.disconnect();
    bob.client.realtime.disconnect();
    const aliceLaptop = await secondDevice(alice);
    const bobTablet = await secondDevice(bob);
    commitAnswers.length = 0;
    holding = true;
    await Promise.all([alice.client.e2ee.sendDM(bob.id, "from alice"), bob.client.e2ee.sendDM(alice.id, "from bob")]);
    expect(commitAnswers.sort()).toEqual([201, 409]);

    await Promise.all([alice.client.realtime.connect(), bob.client.realtime.connect()]);
    // Each user's other device also gets what its own user sent from the first device.
    await vi.waitFor(() => expect(texts(bobTablet).sort()).toEqual(["from alice", "from bob"]));
    await vi.waitFor(() => expect(texts(aliceLaptop).sort()).toEqual(["from alice", "from bob"]));
    await vi.waitFor(() => expect(texts(alice)).toEqual(["from bob"]));
    await vi.waitFor(() => expect(texts(bob)).toEqual(["start", "from alice"]));
    expect([alice, bob, aliceLaptop, bobTablet].flatMap((device) => device.errors)).toEqual([]);
  });

  it("rejects a replayed ciphertext and keeps going", async () => {
    const [alice, bob] = await Promise.all([enabledUser("alice"), enabledUser("bob")]);
    await makeFriends(alice, bob);
    const first = await alice.client.e2ee.sendDM(bob.id, "pay 10 euros");
    await vi.waitFor(() => expect(texts(bob)).toEqual(["pay 10 euros"]));
    const [stored] = (await alice.client.dms.history(bob.id)) as Message[];
    expect(stored!.id).toBe(first.id);

    // The same ciphertext sent again (by the server, or by anyone able to post it) is stored as a new message.
    const replay = await alice.client.dms.send(bob.id, { encrypted: true, ciphertext: stored!.ciphertext! });
    await alice.client.e2ee.sendDM(bob.id, "a new message");
    await vi.waitFor(() => expect(texts(bob)).toEqual(["pay 10 euros", "a new message"]));
    expect(bob.errors).toEqual([
      expect.objectContaining({ code: "DECRYPTION_FAILED", details: expect.objectContaining({ messageId: replay.id }) }),
    ]);
  });

  it("decrypts messages that were stored in another order than they were encrypted", async () => {
    const [alice, bob] = await Promise.all([enabledUser("alice"), enabledUser("bob")]);
    await makeFriends(alice, bob);
    const first = await alice.client.e2ee.sendDM(bob.id, "first");
    await vi.waitFor(() => expect(texts(bob)).toEqual(["first"]));

    // Two sends racing from one device: encrypted in one order, stored by the server in the other.
    const saved = JSON.parse((await alice.storage.get(`hestia-e2ee.${alice.id}.conversation.${first.conversationId}`))!) as {
      state: string;
    };
    let group = mls.decodeGroup(saved.state);
    const ciphertexts: string[] = [];
    for (const text of ["second", "third"]) {
      const made = await mls.encrypt(group, new TextEncoder().encode(JSON.stringify({ text })));
      group = made.group;
      ciphertexts.push(made.ciphertext);
    }
    for (const ciphertext of ciphertexts.reverse()) await alice.client.dms.send(bob.id, { encrypted: true, ciphertext });
    await vi.waitFor(() => expect(texts(bob)).toEqual(["first", "third", "second"]));
    expect(bob.errors).toEqual([]);
  });

  it("drops a damaged welcome, reporting it, and keeps working", async () => {
    const [alice, bob] = await Promise.all([enabledUser("alice"), enabledUser("bob")]);
    await makeFriends(alice, bob);
    // Alice's code (not the SDK) claims one of Bob's key packages and welcomes him with damaged bytes.
    const rest = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`${server.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${alice.client.token}`, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return response.json() as Promise<any>;
    };
    const keys = await mls.generateDeviceKeys();
    const rogue = await rest("POST", "/e2ee/devices", { signaturePublicKey: keys.publicKey });
    const conversation = await rest("POST", `/e2ee/direct/${bob.id}`);
    const [claimed] = await rest("POST", "/e2ee/key-packages/claim", { userId: bob.id });
    const own = await mls.generateKeyPackage(`hestia:device:${alice.id}:${rogue.id}`, keys);
    const made = await mls.commit(await mls.createGroup(`hestia:conversation:${conversation.conversationId}`, own), {
      add: [claimed.keyPackage],
    });
    const damaged = Buffer.from(made.welcome!, "base64");
    damaged[damaged.length - 20]! ^= 0xff;
    const accepted = await rest("POST", `/e2ee/conversations/${conversation.conversationId}/commits`, {
      deviceId: rogue.id,
      epoch: 0,
      commit: made.commit,
      welcome: { data: damaged.toString("base64"), deviceIds: [claimed.deviceId] },
    });
    expect(accepted).toMatchObject({ epoch: 1 });

    await vi.waitFor(() =>
      expect(bob.errors).toEqual([
        expect.objectContaining({ code: "DECRYPTION_FAILED", message: expect.stringMatching(/welcome .* could not be used/) }),
      ]),
    );
    await bob.client.e2ee.sync();
    // The welcome is gone, so a restart does not trip over it again.
    const restarted = await secondDevice(bob, bob.storage);
    expect(restarted.errors).toEqual([]);
  });

  it("recognises its own commit whose answer was lost, and goes on", async () => {
    let dropNextCommitAnswer = false;
    const lossy: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (dropNextCommitAnswer && String(input).includes("/commits") && init?.method === "POST") {
        dropNextCommitAnswer = false;
        await response.text();
        throw new TypeError("fetch failed: connection reset");
      }
      return response;
    };
    const aliceStorage = memoryStorage();
    const alice = watch(await signUp(server, "alice", { fetch: lossy, e2ee: { storage: aliceStorage } }), aliceStorage);
    await alice.client.e2ee.enable();
    const [bob, carol] = await Promise.all([enabledUser("bob"), enabledUser("carol")]);
    await Promise.all([makeFriends(alice, bob), makeFriends(alice, carol)]);
    const group = await alice.client.e2ee.createGroup({ name: "Lossy", members: [bob.id, carol.id] });

    dropNextCommitAnswer = true;
    await expect(alice.client.e2ee.removeMember(group.id, carol.id)).rejects.toMatchObject({ code: "NETWORK_ERROR" });
    // The server took the commit: Carol is out, and Alice's device continues from its own commit.
    expect((await alice.client.groups.get(group.id)).members.map((member) => member.id).sort()).toEqual([alice.id, bob.id].sort());
    await alice.client.e2ee.sendGroupMessage(group.id, "after the lost answer");
    await vi.waitFor(() => expect(texts(bob)).toEqual(["after the lost answer"]));
    expect(texts(carol)).toEqual([]);
    expect(alice.errors).toEqual([]);
  });

  it("keeps reading a conversation after the message it last read was deleted with its sender's account", async () => {
    const [alice, bob, carol] = await Promise.all([enabledUser("alice"), enabledUser("bob"), enabledUser("carol")]);
    await Promise.all([makeFriends(alice, bob), makeFriends(alice, carol)]);
    const group = await alice.client.e2ee.createGroup({ name: "Leaving", members: [bob.id, carol.id] });
    await alice.client.e2ee.sendGroupMessage(group.id, "hello all");
    await carol.client.e2ee.sendGroupMessage(group.id, "carol's last words");
    await vi.waitFor(() => expect(texts(bob)).toEqual(["hello all", "carol's last words"]));

    carol.client.realtime.disconnect();
    await carol.client.users.deleteMe();
    await alice.client.e2ee.sendGroupMessage(group.id, "after carol left");
    await vi.waitFor(() => expect(texts(bob)).toEqual(["hello all", "carol's last words", "after carol left"]));
    expect(bob.errors).toEqual([]);
  });

  it("asks for storage before doing anything", async () => {
    const user = await signUp(server, "plain");
    await expect(user.client.e2ee.enable()).rejects.toMatchObject({ code: "E2EE_NOT_READY" });
  });
});
