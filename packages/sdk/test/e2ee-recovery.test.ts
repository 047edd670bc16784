import { describe, expect, it, vi } from "vitest";
import * as mls from "../src/e2ee/mls";
import { type Message, memoryStorage } from "../src/index";
import { e2eeSuite, texts } from "./e2ee";
import { makeFriends, signUp } from "./setup";

const suite = e2eeSuite();
const { enabledUser, secondDevice, watch } = suite;

describe("end-to-end encryption", () => {
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
    const alice = watch(await signUp(suite.server, "alice", { fetch: racing, e2ee: { storage: aliceStorage } }), aliceStorage);
    const bob = watch(await signUp(suite.server, "bob", { fetch: racing, e2ee: { storage: bobStorage } }), bobStorage);
    await Promise.all([alice.client.e2ee.enable(), bob.client.e2ee.enable()]);
    await makeFriends(alice, bob);
    await alice.client.e2ee.sendDM(bob.id, "start");
    await vi.waitFor(() => expect(texts(bob)).toEqual(["start"]), { timeout: 10_000 });

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
    await vi.waitFor(() => expect(texts(bobTablet).sort()).toEqual(["from alice", "from bob"]), { timeout: 10_000 });
    await vi.waitFor(() => expect(texts(aliceLaptop).sort()).toEqual(["from alice", "from bob"]), { timeout: 10_000 });
    await vi.waitFor(() => expect(texts(alice)).toEqual(["from bob"]), { timeout: 10_000 });
    await vi.waitFor(() => expect(texts(bob)).toEqual(["start", "from alice"]), { timeout: 10_000 });
    expect([alice, bob, aliceLaptop, bobTablet].flatMap((device) => device.errors)).toEqual([]);
  });

  it("rejects a replayed ciphertext and keeps going", async () => {
    const [alice, bob] = await Promise.all([enabledUser("alice"), enabledUser("bob")]);
    await makeFriends(alice, bob);
    const first = await alice.client.e2ee.sendDM(bob.id, "pay 10 euros");
    await vi.waitFor(() => expect(texts(bob)).toEqual(["pay 10 euros"]), { timeout: 10_000 });
    const [stored] = (await alice.client.dms.history(bob.id)) as Message[];
    expect(stored!.id).toBe(first.id);

    // The same ciphertext sent again (by the server, or by anyone able to post it) is stored as a new message.
    const replay = await alice.client.dms.send(bob.id, { encrypted: true, ciphertext: stored!.ciphertext! });
    await alice.client.e2ee.sendDM(bob.id, "a new message");
    await vi.waitFor(() => expect(texts(bob)).toEqual(["pay 10 euros", "a new message"]), { timeout: 10_000 });
    expect(bob.errors).toEqual([
      expect.objectContaining({ code: "DECRYPTION_FAILED", details: expect.objectContaining({ messageId: replay.id }) }),
    ]);
  });

  it("decrypts messages that were stored in another order than they were encrypted", async () => {
    const [alice, bob] = await Promise.all([enabledUser("alice"), enabledUser("bob")]);
    await makeFriends(alice, bob);
    const first = await alice.client.e2ee.sendDM(bob.id, "first");
    await vi.waitFor(() => expect(texts(bob)).toEqual(["first"]), { timeout: 10_000 });

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
    await vi.waitFor(() => expect(texts(bob)).toEqual(["first", "third", "second"]), { timeout: 10_000 });
    expect(bob.errors).toEqual([]);
  });

  it("drops a damaged welcome, reporting it, and keeps working", async () => {
    const [alice, bob] = await Promise.all([enabledUser("alice"), enabledUser("bob")]);
    await makeFriends(alice, bob);
    // Alice's code (not the SDK) claims one of Bob's key packages and welcomes him with damaged bytes.
    const rest = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`${suite.server.url}${path}`, {
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
    const alice = watch(await signUp(suite.server, "alice", { fetch: lossy, e2ee: { storage: aliceStorage } }), aliceStorage);
    await alice.client.e2ee.enable();
    const [bob, carol] = await Promise.all([enabledUser("bob"), enabledUser("carol")]);
    await Promise.all([makeFriends(alice, bob), makeFriends(alice, carol)]);
    const group = await alice.client.e2ee.createGroup({ name: "Lossy", members: [bob.id, carol.id] });

    dropNextCommitAnswer = true;
    await expect(alice.client.e2ee.removeMember(group.id, carol.id)).rejects.toMatchObject({ code: "NETWORK_ERROR" });
    // The server took the commit: Carol is out, and Alice's device continues from its own commit.
    expect((await alice.client.groups.get(group.id)).members.map((member) => member.id).sort()).toEqual([alice.id, bob.id].sort());
    await alice.client.e2ee.sendGroupMessage(group.id, "after the lost answer");
    await vi.waitFor(() => expect(texts(bob)).toEqual(["after the lost answer"]), { timeout: 10_000 });
    expect(texts(carol)).toEqual([]);
    expect(alice.errors).toEqual([]);
  });

  it("keeps reading a conversation after the message it last read was deleted with its sender's account", async () => {
    const [alice, bob, carol] = await Promise.all([enabledUser("alice"), enabledUser("bob"), enabledUser("carol")]);
    await Promise.all([makeFriends(alice, bob), makeFriends(alice, carol)]);
    const group = await alice.client.e2ee.createGroup({ name: "Leaving", members: [bob.id, carol.id] });
    await alice.client.e2ee.sendGroupMessage(group.id, "hello all");
    await carol.client.e2ee.sendGroupMessage(group.id, "carol's last words");
    await vi.waitFor(() => expect(texts(bob)).toEqual(["hello all", "carol's last words"]), { timeout: 10_000 });

    carol.client.realtime.disconnect();
    await carol.client.users.deleteMe();
    await alice.client.e2ee.sendGroupMessage(group.id, "after carol left");
    await vi.waitFor(() => expect(texts(bob)).toEqual(["hello all", "carol's last words", "after carol left"]), { timeout: 10_000 });
    expect(bob.errors).toEqual([]);
  });
});
