import { type ClaimedKeyPackage, MAX_KEY_PACKAGES_PER_DEVICE, type OwnDevice } from "@hestia/contracts";
import type { Db } from "@hestia/db";
import type { Actor, Deps } from "../../deps";
import { AppError } from "../../errors";
import { lockRow, transact } from "../../transaction";
import { announceDevices, toOwnDevice } from "./devices.service";
import { requireClaimer, requireOwnDevice } from "./e2ee.policy";
import { checkKeyPackage } from "./mls-wire";

export interface KeyPackageUpload {
  deviceId: number;
  keyPackages: string[];
  lastResort?: string;
}

/**
 * Adds one-time key packages to one of the actor's devices (at most MAX_KEY_PACKAGES_PER_DEVICE
 * unclaimed at a time) and, when given, replaces its last-resort package. Every package must be one
 * this device made (see checkKeyPackage); nothing is stored unless all are.
 */
export async function uploadKeyPackages(deps: Deps, actor: Actor, input: KeyPackageUpload): Promise<OwnDevice> {
  const device = await requireOwnDevice(deps.db, actor.id, input.deviceId);
  const owner = { userId: actor.id, deviceId: device.id, signaturePublicKey: device.signaturePublicKey };
  for (const [index, keyPackage] of input.keyPackages.entries()) await checkKeyPackage(keyPackage, owner, `keyPackages.${index}`);
  if (input.lastResort !== undefined) await checkKeyPackage(input.lastResort, owner, "lastResort");

  const hadNone = await transact(deps.db, async (tx) => {
    await lockRow(tx, "Device", device.id);
    const stock = await tx.mlsKeyPackage.count({ where: { deviceId: device.id, lastResort: false } });
    const lastResorts = await tx.mlsKeyPackage.count({ where: { deviceId: device.id, lastResort: true } });
    if (stock + input.keyPackages.length > MAX_KEY_PACKAGES_PER_DEVICE) {
      return new AppError(
        "CONFLICT",
        `A device holds at most ${MAX_KEY_PACKAGES_PER_DEVICE} unclaimed key packages; this one has ${stock}`,
      );
    }
    if (input.keyPackages.length) {
      await tx.mlsKeyPackage.createMany({ data: input.keyPackages.map((data) => ({ deviceId: device.id, data })) });
    }
    if (input.lastResort !== undefined) {
      await tx.mlsKeyPackage.deleteMany({ where: { deviceId: device.id, lastResort: true } });
      await tx.mlsKeyPackage.create({ data: { deviceId: device.id, data: input.lastResort, lastResort: true } });
    }
    return stock === 0 && lastResorts === 0;
  });
  // A device that could not be added before (a new one) now can: tell those who would add it.
  if (hadNone && (input.keyPackages.length > 0 || input.lastResort !== undefined)) await announceDevices(deps, actor.id);
  return toOwnDevice(deps.db, device);
}

/** How many of a device's oldest one-time packages one claim attempt looks at. */
const CANDIDATES = 4;

/**
 * Takes one key package of a device: the oldest one-time package nobody else took first (deleted as it
 * is handed out), else the last-resort package (kept), else none.
 */
async function takeKeyPackage(db: Db, deviceId: number): Promise<{ data: string; lastResort: boolean } | undefined> {
  for (;;) {
    const candidates = await db.mlsKeyPackage.findMany({
      where: { deviceId, lastResort: false },
      orderBy: { id: "asc" },
      take: CANDIDATES,
      select: { id: true, data: true },
    });
    if (!candidates.length) break;
    for (const candidate of candidates) {
      // Whoever deletes the row owns the package: a concurrent claim of the same row deletes nothing.
      const { count } = await db.mlsKeyPackage.deleteMany({ where: { id: candidate.id } });
      if (count === 1) return { data: candidate.data, lastResort: false };
    }
  }
  const lastResort = await db.mlsKeyPackage.findFirst({
    where: { deviceId, lastResort: true },
    orderBy: { id: "desc" },
    select: { data: true },
  });
  return lastResort ? { data: lastResort.data, lastResort: true } : undefined;
}

/**
 * Claims one key package for each device of a user (or of the listed ones): what the actor needs to
 * add those devices to an MLS group. Devices with no package left are left out.
 */
export async function claimKeyPackages(
  deps: Deps,
  actor: Actor,
  input: { userId: number; deviceIds?: number[] },
): Promise<ClaimedKeyPackage[]> {
  await deps.keyPackageClaimLimiter.consume(actor.id);
  await requireClaimer(deps, actor.id, input.userId);
  const devices = await deps.db.device.findMany({
    where: { userId: input.userId, ...(input.deviceIds ? { id: { in: input.deviceIds } } : {}) },
    select: { id: true },
    orderBy: { id: "asc" },
  });
  const claimed: ClaimedKeyPackage[] = [];
  for (const device of devices) {
    const taken = await takeKeyPackage(deps.db, device.id);
    if (taken) claimed.push({ userId: input.userId, deviceId: device.id, keyPackage: taken.data, lastResort: taken.lastResort });
  }
  return claimed;
}
