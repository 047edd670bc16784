import { deviceIdentity, type E2eeConversation } from "@hestia/contracts";
import { describe, expect, it } from "vitest";
import { concerns, listedDevices, rosterDiff, speaksFor } from "./roster";

const device = (id: number, userId: number, key = `key-${id}`) => ({
  id,
  userId,
  name: "",
  signaturePublicKey: key,
  createdAt: "2026-01-01T00:00:00.000Z",
});
const info: E2eeConversation = {
  conversationId: 7,
  kind: "GROUP",
  groupId: 7,
  epoch: 3,
  encrypted: true,
  members: [
    { userId: 1, role: "OWNER", devices: [device(10, 1), device(11, 1)] },
    { userId: 2, role: "MEMBER", devices: [device(20, 2)] },
    { userId: 3, role: "MEMBER", devices: [device(30, 3)] },
  ],
};
const leaf = (leafIndex: number, userId: number, deviceId: number, key = `key-${deviceId}`) => ({
  leafIndex,
  identity: deviceIdentity(userId, deviceId),
  signaturePublicKey: key,
});

describe("roster", () => {
  it("adds listed devices that are missing and removes leaves that are not listed", () => {
    const wanted = listedDevices(info, [3]);
    const { remove, missing } = rosterDiff([leaf(0, 1, 10), leaf(1, 3, 30), leaf(2, 2, 20)], wanted, deviceIdentity(1, 10));
    expect(remove).toEqual([1]);
    expect(missing).toEqual([{ userId: 1, deviceId: 11, signaturePublicKey: "key-11" }]);
  });

  it("replaces a leaf whose key is not the listed one, and a duplicated leaf", () => {
    const wanted = listedDevices(info);
    const leaves = [leaf(0, 1, 10), leaf(1, 1, 11), leaf(2, 2, 20, "other-key"), leaf(3, 3, 30), leaf(4, 3, 30)];
    const { remove, missing } = rosterDiff(leaves, wanted, deviceIdentity(1, 10));
    expect(remove).toEqual([2, 4]);
    expect(missing).toEqual([{ userId: 2, deviceId: 20, signaturePublicKey: "key-20" }]);
  });

  it("accepts a key package only for the device and key it is listed with", () => {
    const listed = { userId: 2, deviceId: 20, signaturePublicKey: "key-20" };
    expect(speaksFor({ identity: deviceIdentity(2, 20), signaturePublicKey: "key-20" }, listed)).toBe(true);
    expect(speaksFor({ identity: deviceIdentity(2, 21), signaturePublicKey: "key-20" }, listed)).toBe(false);
    expect(speaksFor({ identity: deviceIdentity(2, 20), signaturePublicKey: "key-99" }, listed)).toBe(false);
    expect(speaksFor(undefined, listed)).toBe(false);
  });

  it("reacts to a user's device change in conversations with that user or yourself", () => {
    const members = [leaf(0, 1, 10), leaf(1, 2, 20), { leafIndex: 2, identity: "not a device", signaturePublicKey: "k" }];
    const group = { kind: "GROUP" as const };
    expect(concerns(group, members, 2, 1)).toBe(true);
    expect(concerns(group, members, 1, 1)).toBe(true);
    expect(concerns(group, members, 3, 1)).toBe(false);
    // In a direct conversation only the peer (and yourself) count, whatever the group holds.
    expect(concerns({ kind: "DIRECT", peerUserId: 4 }, members, 4, 1)).toBe(true);
    expect(concerns({ kind: "DIRECT", peerUserId: 4 }, members, 2, 1)).toBe(false);
    expect(concerns({ kind: "DIRECT", peerUserId: 4 }, members, 1, 1)).toBe(true);
  });
});
