import { contract, deviceIdentity } from "@hestia/contracts";
import type { DeviceContext } from "./context";
import type { KeyPackageRecords } from "./device-store";
import * as mls from "./mls";

const { e2ee } = contract;

/** The server's stock of this device's key packages. */
export interface KeyPackageStock {
  keyPackages: number;
  hasLastResort: boolean;
}

/**
 * How many one-time key packages to make, and whether a last-resort one, for the stock to reach `target`.
 * One-time packages are only made once the stock fell below half the target, so most top-ups upload a batch
 * rather than one package per claim.
 */
export function keyPackagesToMake(stock: KeyPackageStock, target: number): { oneTime: number; lastResort: boolean } {
  return { oneTime: stock.keyPackages < target / 2 ? target - stock.keyPackages : 0, lastResort: !stock.hasLastResort };
}

/** Adds newly made key packages to the device's records; a new last-resort package replaces the previous one. */
export function recordKeyPackages(records: KeyPackageRecords, oneTime: mls.OwnKeyPackage[], lastResort?: mls.OwnKeyPackage): void {
  for (const keyPackage of oneTime) records[keyPackage.ref] = { ...keyPackage, lastResort: false };
  if (!lastResort) return;
  for (const [ref, record] of Object.entries(records)) if (record.lastResort) delete records[ref];
  records[lastResort.ref] = { ...lastResort, lastResort: true };
}

/** Keeps the server's stock of this device's key packages at the target, with a last-resort one. */
export async function topUpKeyPackages(ctx: DeviceContext): Promise<void> {
  const { device } = ctx;
  const stock = await ctx.session.call(e2ee.device, { deviceId: device.deviceId });
  const toMake = keyPackagesToMake(stock, ctx.keyPackageTarget);
  if (toMake.oneTime === 0 && !toMake.lastResort) return;
  const identity = deviceIdentity(device.userId, device.deviceId);
  const oneTime = await Promise.all(Array.from({ length: toMake.oneTime }, () => mls.generateKeyPackage(identity, device.keys)));
  const lastResort = toMake.lastResort ? await mls.generateKeyPackage(identity, device.keys) : undefined;
  // The private halves are kept before the public ones are published: a welcome may follow at once.
  await ctx.store.withKeyPackages(async (records) => recordKeyPackages(records, oneTime, lastResort));
  await ctx.session.call(e2ee.uploadKeyPackages, {
    deviceId: device.deviceId,
    keyPackages: oneTime.map((keyPackage) => keyPackage.public),
    lastResort: lastResort?.public,
  });
}
