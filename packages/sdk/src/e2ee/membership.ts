import { contract, deviceIdentity, type E2eeConversation } from "@hestia/contracts";
import { type DeviceContext, tolerate } from "./context";
import * as mls from "./mls";
import { type ListedDevice, listedDevices, rosterDiff, speaksFor } from "./roster";

const { e2ee } = contract;

/** What a commit changes: devices added (with the key package claimed for each), leaves removed, and the group's members on the server. */
export interface Changes {
  add: { deviceId: number; keyPackage: string }[];
  remove: number[];
  members?: { add: number[]; remove: number[] };
}

/** Users whose membership changes with the commit. */
export interface MemberChanges {
  add?: number[];
  remove?: number[];
}

export const isUnchanged = (changes: Changes) => changes.add.length === 0 && changes.remove.length === 0 && !changes.members;

/**
 * What `group` must change so that its leaves are exactly the devices of the conversation's members
 * (after adding and removing `users`): devices missing get added with a claimed key package, stale leaves removed.
 */
export async function membershipChanges(
  ctx: DeviceContext,
  info: E2eeConversation,
  group: mls.MlsGroup,
  users: MemberChanges = {},
): Promise<Changes> {
  const self = ctx.device;
  const wanted = listedDevices(info, users.remove);
  for (const userId of users.add ?? []) {
    for (const device of await ctx.session.call(e2ee.devices, { userId })) {
      wanted.set(deviceIdentity(userId, device.id), { userId, deviceId: device.id, signaturePublicKey: device.signaturePublicKey });
    }
  }
  const { remove, missing } = rosterDiff(mls.groupMembers(group), wanted, deviceIdentity(self.userId, self.deviceId));
  const add: Changes["add"] = [];
  for (const [userId, devices] of byUser(missing)) add.push(...(await claimKeyPackages(ctx, userId, devices)));
  const members = users.add?.length || users.remove?.length ? { add: users.add ?? [], remove: users.remove ?? [] } : undefined;
  return { add, remove, members };
}

function byUser(devices: ListedDevice[]): Map<number, ListedDevice[]> {
  const grouped = new Map<number, ListedDevice[]>();
  for (const device of devices) grouped.set(device.userId, [...(grouped.get(device.userId) ?? []), device]);
  return grouped;
}

/** A key package for each of a user's devices that has one left; those that do not speak for their listed device are left out. */
async function claimKeyPackages(ctx: DeviceContext, userId: number, devices: ListedDevice[]): Promise<Changes["add"]> {
  // Devices of users this account may not add wait for a device that may (a friend, or an admin).
  const claimed = await tolerate(["FORBIDDEN", "RATE_LIMITED"], () =>
    ctx.session.call(e2ee.claimKeyPackages, { userId, deviceIds: devices.map((device) => device.deviceId) }),
  );
  const add: Changes["add"] = [];
  for (const claim of claimed ?? []) {
    const device = devices.find((candidate) => candidate.deviceId === claim.deviceId);
    if (device && speaksFor(mls.keyPackageIdentity(claim.keyPackage), device)) {
      add.push({ deviceId: claim.deviceId, keyPackage: claim.keyPackage });
    }
  }
  return add;
}
