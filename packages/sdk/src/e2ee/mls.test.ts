import { describe, expect, it } from "vitest";
import * as mls from "./mls";
import type { Outcome } from "./outcome";
import { safetyNumber, safetyNumberOf } from "./safety-number";

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const bytes = (value: string) => new TextEncoder().encode(value);

/** What a refusal-or-value outcome holds, failing the test when it was refused. */
function value<T>(outcome: Outcome<T>): T {
  if (!outcome.ok) throw new Error(`refused: ${outcome.reason}`);
  return outcome.value;
}
const decrypt = async (group: mls.MlsGroup, ciphertext: string) => value(await mls.decrypt(group, ciphertext));

async function device(identity: string) {
  const keys = await mls.generateDeviceKeys();
  return { identity, keys, keyPackage: await mls.generateKeyPackage(identity, keys) };
}

/** Alice creates a group and adds Bob (and Carol); everyone's group as they hold it. */
async function groupOf(...names: string[]) {
  const devices = await Promise.all(names.map((name) => device(name)));
  const [creator, ...others] = devices;
  let creatorGroup = await mls.createGroup("hestia:conversation:1", creator!.keyPackage);
  const made = await mls.commit(creatorGroup, { add: others.map((other) => other.keyPackage.public) });
  creatorGroup = made.group;
  const joined = await Promise.all(others.map((other) => mls.joinFromWelcome(made.welcome!, other.keyPackage).then(value)));
  return { devices, groups: [creatorGroup, ...joined] };
}

describe("MLS wrapper", () => {
  it("delivers to every member, names the verified sender, and survives encoding", async () => {
    const { groups } = await groupOf("alice", "bob", "carol");
    const [alice, bob, carol] = groups as [mls.MlsGroup, mls.MlsGroup, mls.MlsGroup];
    expect(mls.groupEpoch(alice)).toBe(1);
    expect(mls.groupMembers(alice).map((member) => member.identity)).toEqual(["alice", "bob", "carol"]);
    const sent = await mls.encrypt(alice, bytes("hello"));
    expect(mls.peek(sent.ciphertext)).toEqual({ epoch: 1, contentType: "application", groupId: "hestia:conversation:1" });
    expect(await mls.senderLeaf(bob, sent.ciphertext)).toBe(0);
    const atBob = await decrypt(mls.decodeGroup(mls.encodeGroup(bob)), sent.ciphertext);
    expect(text(atBob.plaintext)).toBe("hello");
    expect(atBob.sender.identity).toBe("alice");
    expect(text((await decrypt(carol, sent.ciphertext)).plaintext)).toBe("hello");
  });

  it("decrypts out of order within the window and refuses a replay", async () => {
    const { groups } = await groupOf("alice", "bob");
    let [alice, bob] = groups as [mls.MlsGroup, mls.MlsGroup];
    const ciphertexts: string[] = [];
    for (const word of ["one", "two", "three"]) {
      const sent = await mls.encrypt(alice, bytes(word));
      alice = sent.group;
      ciphertexts.push(sent.ciphertext);
    }
    const read: string[] = [];
    for (const index of [2, 0, 1]) {
      const result = await decrypt(bob, ciphertexts[index]!);
      bob = result.group;
      read.push(text(result.plaintext));
    }
    expect(read).toEqual(["three", "one", "two"]);
    expect(await mls.decrypt(bob, ciphertexts[1]!)).toMatchObject({ ok: false, reason: expect.any(String) });
  });

  it("decrypts a message of the previous epoch after a commit, and a removed member reads nothing new", async () => {
    const { groups } = await groupOf("alice", "bob", "carol");
    let [alice, bob, carol] = groups as [mls.MlsGroup, mls.MlsGroup, mls.MlsGroup];
    const late = await mls.encrypt(carol, bytes("before the change"));
    carol = late.group;
    const removal = await mls.commit(alice, { remove: [2] });
    alice = removal.group;
    bob = await mls.applyCommit(bob, removal.commit);
    const carolAfter = await mls.applyCommit(carol, removal.commit);
    expect(mls.isActive(carolAfter)).toBe(false);
    expect(text((await decrypt(bob, late.ciphertext)).plaintext)).toBe("before the change");
    const secret = await mls.encrypt(alice, bytes("after the change"));
    expect(text((await decrypt(bob, secret.ciphertext)).plaintext)).toBe("after the change");
    expect((await mls.decrypt(carol, secret.ciphertext)).ok).toBe(false);
    expect((await mls.decrypt(carolAfter, secret.ciphertext)).ok).toBe(false);
  });

  it("refuses material that is not what it claims to be", async () => {
    const { groups, devices } = await groupOf("alice", "bob");
    const made = await mls.commit(groups[0]!, {});
    expect(mls.peek(devices[0]!.keyPackage.public)).toBeUndefined();
    expect(mls.peek("AAAA")).toBeUndefined();
    expect(mls.peek("not base64!")).toBeUndefined();
    expect(mls.welcomeRefs("AAAA")).toBeUndefined();
    expect(mls.welcomeRefs(made.commit)).toBeUndefined();
    expect(mls.keyPackageIdentity("AAAA")).toBeUndefined();
    expect(mls.keyPackageIdentity(made.commit)).toBeUndefined();
    expect(await mls.decrypt(groups[1]!, devices[0]!.keyPackage.public)).toEqual({ ok: false, reason: "not an MLS private message" });
    expect(await mls.decrypt(groups[1]!, made.commit)).toEqual({ ok: false, reason: "not an application message" });
    expect(await mls.joinFromWelcome(made.commit, devices[1]!.keyPackage)).toEqual({ ok: false, reason: "not an MLS welcome" });
    const carol = await device("carol");
    const welcome = (await mls.commit(groups[0]!, { add: [carol.keyPackage.public] })).welcome!;
    expect((await mls.joinFromWelcome(welcome, devices[1]!.keyPackage)).ok).toBe(false);
    expect(mls.welcomeRefs(welcome)).toEqual([carol.keyPackage.ref]);
    // What the server accepted or this device made itself is relied on: it failing to decode is an error.
    await expect(mls.applyCommit(groups[1]!, "AAAA")).rejects.toThrow(mls.MlsFormatError);
    expect(mls.keyPackageIdentity(devices[1]!.keyPackage.public)).toEqual({
      identity: "bob",
      signaturePublicKey: devices[1]!.keys.publicKey,
    });
  });
});

describe("safety numbers", () => {
  it("are the same from both sides and change with any key", async () => {
    const [a, b, c] = await Promise.all([device("a"), device("b"), device("c")]);
    const fromAlice = await safetyNumber([
      { userId: 1, keys: [a!.keys.publicKey] },
      { userId: 2, keys: [b!.keys.publicKey, c!.keys.publicKey] },
    ]);
    const fromBob = await safetyNumber([
      { userId: 2, keys: [c!.keys.publicKey, b!.keys.publicKey] },
      { userId: 1, keys: [a!.keys.publicKey] },
    ]);
    expect(fromAlice).toBe(fromBob);
    expect(fromAlice).toMatch(/^(\d{5} ){11}\d{5}$/);
    const withoutC = await safetyNumber([
      { userId: 1, keys: [a!.keys.publicKey] },
      { userId: 2, keys: [b!.keys.publicKey] },
    ]);
    expect(withoutC).not.toBe(fromAlice);
  });

  it("of a conversation count both users' devices in its group, and no one else's", async () => {
    const leaf = (leafIndex: number, identity: string, signaturePublicKey: string) => ({ leafIndex, identity, signaturePublicKey });
    const members = [
      leaf(0, "hestia:device:1:10", "AQID"),
      leaf(1, "hestia:device:2:20", "BAUG"),
      leaf(2, "hestia:device:3:30", "CgsM"),
      leaf(3, "not a device", "DQ4P"),
      leaf(4, "hestia:device:2:21", "BwgJ"),
    ];
    expect(await safetyNumberOf(members, 1, 2)).toBe(
      await safetyNumber([
        { userId: 1, keys: ["AQID"] },
        { userId: 2, keys: ["BAUG", "BwgJ"] },
      ]),
    );
  });

  it("stay the same across versions (devices running different releases compare them)", async () => {
    const number = await safetyNumber([
      { userId: 2, keys: ["AQID", "BAUG"] },
      { userId: 1, keys: ["BwgJ"] },
    ]);
    expect(number).toBe("67376 08200 74140 77903 94197 13091 22179 99667 75974 06945 14920 72303");
  });
});
