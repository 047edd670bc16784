import { deviceIdentity, type E2eeConversation, parseDeviceIdentity } from "@hestia/contracts";
import type { GroupMember } from "./mls";

/** A device the server lists for a member of a conversation. */
export interface ListedDevice {
  userId: number;
  deviceId: number;
  signaturePublicKey: string;
}

/** The devices a conversation's group should hold, by MLS identity: every listed device of every member not being removed. */
export function listedDevices(info: E2eeConversation, removedUsers: Iterable<number> = []): Map<string, ListedDevice> {
  const removed = new Set(removedUsers);
  const wanted = new Map<string, ListedDevice>();
  for (const member of info.members) {
    if (removed.has(member.userId)) continue;
    for (const device of member.devices) {
      wanted.set(deviceIdentity(member.userId, device.id), {
        userId: member.userId,
        deviceId: device.id,
        signaturePublicKey: device.signaturePublicKey,
      });
    }
  }
  return wanted;
}

/**
 * What differs between a group's leaves and the devices it should hold (this device left aside): the
 * leaves to remove (no longer listed, or listed with another key) and the listed devices missing.
 */
export function rosterDiff(
  leaves: GroupMember[],
  wanted: ReadonlyMap<string, ListedDevice>,
  ownIdentity: string,
): { remove: number[]; missing: ListedDevice[] } {
  const present = new Set<string>();
  const remove: number[] = [];
  for (const leaf of leaves) {
    if (leaf.identity === ownIdentity) continue;
    const expected = wanted.get(leaf.identity);
    if (expected && expected.signaturePublicKey === leaf.signaturePublicKey && !present.has(leaf.identity)) present.add(leaf.identity);
    else remove.push(leaf.leafIndex);
  }
  const missing = [...wanted.entries()]
    .filter(([identity]) => identity !== ownIdentity && !present.has(identity))
    .map(([, device]) => device);
  return { remove, missing };
}

/** Whether a claimed key package speaks for the listed device: its credential names that device and it is signed with that device's key. */
export function speaksFor(keyPackage: { identity: string; signaturePublicKey: string } | undefined, device: ListedDevice): boolean {
  return (
    keyPackage?.identity === deviceIdentity(device.userId, device.deviceId) && keyPackage.signaturePublicKey === device.signaturePublicKey
  );
}

/**
 * Whether a change of `userId`'s devices concerns a conversation: the user is its peer, yourself, or has a
 * device among the group's leaves (`members`).
 */
export function concerns(
  conversation: { kind: "DIRECT" | "GROUP"; peerUserId?: number },
  members: GroupMember[],
  userId: number,
  selfId: number,
): boolean {
  if (userId === selfId || conversation.peerUserId === userId) return true;
  return conversation.kind === "GROUP" && members.some((member) => parseDeviceIdentity(member.identity)?.userId === userId);
}
