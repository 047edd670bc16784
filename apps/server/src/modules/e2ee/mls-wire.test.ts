import { randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { b64, commit, encrypt, keyPackage, newGroup, type SignatureKeys, signatureKeys, type TestKeyPackage } from "../../../test/mls";
import { applicationEpoch, checkCommit, checkKeyPackage, checkSignaturePublicKey, checkWelcome } from "./mls-wire";

const owner = { userId: 7, deviceId: 3 };
const garbage = [
  "AAAA",
  b64(randomBytes(64)),
  b64(randomBytes(400)),
  b64(Buffer.from([0, 1, 0, 5, 1, 2])),
  "not base64!",
  "QUJD\nREVG",
  "",
  "QQ",
];

/** Expects a 400 whose message matches. */
async function refused(run: () => unknown, message: RegExp): Promise<void> {
  let caught: unknown;
  try {
    await run();
  } catch (error) {
    caught = error;
  }
  expect(caught).toMatchObject({ code: "VALIDATION_ERROR", message: expect.stringMatching(message) });
}

describe("MLS wire checks", () => {
  let keys: SignatureKeys;
  let own: TestKeyPackage;
  let other: TestKeyPackage;
  let withWelcome: { commit: string; welcome: string };
  let application: string;
  beforeAll(async () => {
    keys = await signatureKeys();
    own = await keyPackage(keys, owner);
    other = await keyPackage(await signatureKeys(), { userId: 8, deviceId: 4 });
    const created = await commit(await newGroup(42, own), [other.publicPackage]);
    withWelcome = { commit: created.commit, welcome: created.welcome! };
    application = (await encrypt(created.state, "hello")).ciphertext;
  });

  it("accepts a device's own key package", async () => {
    await expect(checkKeyPackage(own.data, { ...owner, signaturePublicKey: keys.signaturePublicKey })).resolves.toBeUndefined();
  });

  it("refuses key packages of another identity, another key, or with a broken signature", async () => {
    const expected = { ...owner, signaturePublicKey: keys.signaturePublicKey };
    await refused(() => checkKeyPackage(own.data, { ...expected, deviceId: 4 }), /identity "hestia:device:7:4"/);
    await refused(() => checkKeyPackage(own.data, { ...expected, signaturePublicKey: b64(randomBytes(32)) }), /registered signature key/);
    const impostor = await keyPackage(await signatureKeys(), owner);
    await refused(() => checkKeyPackage(impostor.data, expected), /registered signature key/);
    const bytes = Buffer.from(own.data, "base64");
    bytes[bytes.length - 1]! ^= 1;
    await refused(() => checkKeyPackage(bytes.toString("base64"), expected), /signature that does not verify/);
    await refused(
      () => checkKeyPackage(withWelcome.welcome, expected, "keyPackages.2"),
      /^keyPackages\.2 is an MLS mls_welcome message, not a key package$/,
    );
  });

  it("refuses garbage everywhere with a 400, never anything else", async () => {
    for (const text of garbage) {
      await refused(
        () => checkKeyPackage(text, { ...owner, signaturePublicKey: keys.signaturePublicKey }),
        /base64|not an encoded MLS message/,
      );
      await refused(() => checkCommit(text, { conversationId: 42, epoch: 0 }), /base64|not an encoded MLS message/);
      await refused(() => checkWelcome(text), /base64|not an encoded MLS message/);
      await refused(() => applicationEpoch(text, 42), /base64|not an encoded MLS message/);
    }
    // A valid message with bytes after it is not one message.
    await refused(
      () => checkWelcome(b64(Buffer.concat([Buffer.from(withWelcome.welcome, "base64"), Buffer.from([1])]))),
      /not an encoded MLS message/,
    );
  });

  it("checks a commit's group, epoch and content type, and accepts encrypted (private-message) commits only", async () => {
    expect(() => checkCommit(withWelcome.commit, { conversationId: 42, epoch: 0 })).not.toThrow();
    await refused(() => checkCommit(withWelcome.commit, { conversationId: 43, epoch: 0 }), /another MLS group/);
    await refused(() => checkCommit(withWelcome.commit, { conversationId: 42, epoch: 1 }), /made in epoch 0, not 1/);
    await refused(() => checkCommit(application, { conversationId: 42, epoch: 1 }), /MLS application message, not a commit/);
    await refused(() => checkCommit(withWelcome.welcome, { conversationId: 42, epoch: 0 }), /mls_welcome message, not an encrypted commit/);
    const publicCommit = await commit(await newGroup(42, await keyPackage(keys, owner)), [], true);
    expect(Buffer.from(publicCommit.commit, "base64").readUInt16BE(2)).toBe(1); // wire format mls_public_message
    await refused(
      () => checkCommit(publicCommit.commit, { conversationId: 42, epoch: 0 }),
      /mls_public_message message, not an encrypted commit/,
    );
  });

  it("checks welcomes and application messages", async () => {
    expect(() => checkWelcome(withWelcome.welcome)).not.toThrow();
    await refused(() => checkWelcome(withWelcome.commit), /not a welcome/);
    expect(applicationEpoch(application, 42)).toBe(1);
    await refused(() => applicationEpoch(application, 41), /another conversation's MLS group/);
    await refused(() => applicationEpoch(withWelcome.commit, 42), /MLS commit message, not an application message/);
    await refused(() => applicationEpoch(own.data, 42), /mls_key_package message, not an encrypted application message/);
  });

  it("accepts Ed25519 public keys only", async () => {
    expect(() => checkSignaturePublicKey(keys.signaturePublicKey)).not.toThrow();
    await refused(() => checkSignaturePublicKey(b64(randomBytes(31))), /32-byte Ed25519 public key \(got 31 bytes\)/);
    await refused(() => checkSignaturePublicKey(b64(randomBytes(64))), /got 64 bytes/);
    // Not every 32 bytes are a point: y = 2 has no x on the curve.
    const notAPoint = Buffer.alloc(32);
    notAPoint[0] = 2;
    await refused(() => checkSignaturePublicKey(b64(notAPoint)), /not an Ed25519 public key/);
  });
});
