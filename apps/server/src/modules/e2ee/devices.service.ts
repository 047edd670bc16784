import { type Device, MAX_DEVICES_PER_USER, type OwnDevice } from "@hestia/contracts";
import type { Db } from "@hestia/db";
import type { Actor, Deps } from "../../deps";
import { AppError } from "../../errors";
import { lockRow, transact } from "../../transaction";
import { type DeviceRow, deviceNotFound, deviceSelect, requireDeviceViewer, requireOwnDevice } from "./e2ee.policy";
import { checkSignaturePublicKey } from "./mls-wire";

export function toDevice(row: DeviceRow): Device {
  return {
    id: row.id,
    userId: row.userId,
    name: row.name,
    signaturePublicKey: row.signaturePublicKey,
    createdAt: row.createdAt.toISOString(),
  };
}

/** A device of the actor with its key-package stock. */
export async function toOwnDevice(db: Db, row: DeviceRow): Promise<OwnDevice> {
  const [keyPackages, lastResorts] = await Promise.all([
    db.mlsKeyPackage.count({ where: { deviceId: row.id, lastResort: false } }),
    db.mlsKeyPackage.count({ where: { deviceId: row.id, lastResort: true } }),
  ]);
  return { ...toDevice(row), keyPackages, hasLastResort: lastResorts > 0 };
}

export async function registerDevice(deps: Deps, actor: Actor, input: { signaturePublicKey: string; name?: string }): Promise<Device> {
  checkSignaturePublicKey(input.signaturePublicKey);
  const row = await transact(deps.db, async (tx) => {
    await lockRow(tx, "User", actor.id);
    if ((await tx.device.count({ where: { userId: actor.id } })) >= MAX_DEVICES_PER_USER) {
      return new AppError("CONFLICT", `You have ${MAX_DEVICES_PER_USER} devices, the most allowed: remove one first`);
    }
    return tx.device.create({
      data: { userId: actor.id, name: input.name ?? "", signaturePublicKey: input.signaturePublicKey },
      select: deviceSelect,
    });
  });
  return toDevice(row);
}

/**
 * Tells the user's other devices and everyone sharing a conversation with the user that the user's
 * devices changed (a device removed, or one that can now be added: it uploaded key packages), so that one of their devices commits the change to each shared group.
 */
export async function announceDevices(deps: Deps, userId: number): Promise<void> {
  const rows = await deps.db.membership.findMany({
    where: { conversation: { memberships: { some: { userId } } } },
    select: { userId: true },
    distinct: ["userId"],
  });
  deps.broadcaster.e2eeDevices([...new Set([userId, ...rows.map((row) => row.userId)])], { userId });
}

export async function listDevices(deps: Deps, actor: Actor, userId: number): Promise<Device[]> {
  await requireDeviceViewer(deps, actor.id, userId);
  const rows = await deps.db.device.findMany({ where: { userId }, select: deviceSelect, orderBy: { id: "asc" } });
  return rows.map(toDevice);
}

export async function getOwnDevice(deps: Deps, actor: Actor, deviceId: number): Promise<OwnDevice> {
  return toOwnDevice(deps.db, await requireOwnDevice(deps.db, actor.id, deviceId));
}

/** Removes one of the actor's devices; its key packages and pending welcomes go with it. */
export async function removeDevice(deps: Deps, actor: Actor, deviceId: number): Promise<void> {
  const { count } = await deps.db.device.deleteMany({ where: { id: deviceId, userId: actor.id } });
  if (count === 0) throw deviceNotFound();
  await announceDevices(deps, actor.id);
}
