import { contract } from "@hestia/contracts";
import { tolerate } from "./context";
import type { DeviceRecord, DeviceStore } from "./device-store";
import * as mls from "./mls";
import type { E2eeSession } from "./types";

const { e2ee } = contract;

/**
 * This device as the server knows it: the one in storage, or a new one registered with fresh keys when
 * storage holds none or the server forgot it.
 */
export async function registeredDevice(
  session: E2eeSession,
  store: DeviceStore,
  userId: number,
  deviceName: string | undefined,
): Promise<DeviceRecord> {
  const stored = await store.device();
  if (stored) {
    const known = await tolerate(["NOT_FOUND"], () => session.call(e2ee.device, { deviceId: stored.deviceId }));
    if (known) return stored;
    // The server forgot this device (removed from another device): its state is worthless; start over as a new one.
    await store.forget(stored);
  }
  const keys = await mls.generateDeviceKeys();
  const registered = await session.call(e2ee.registerDevice, { signaturePublicKey: keys.publicKey, name: deviceName });
  const device: DeviceRecord = { userId, deviceId: registered.id, keys, conversations: [] };
  await store.saveDevice(device);
  return device;
}
