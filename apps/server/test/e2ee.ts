// Devices, key packages and users for the end-to-end encryption tests, registered through the API.
import { api, befriend, registerUser, type TestServer, type TestUser } from "./helpers";
import { keyPackage, type SignatureKeys, signatureKeys, type TestKeyPackage } from "./mls";

export interface TestDevice {
  id: number;
  user: TestUser;
  keys: SignatureKeys;
}

export async function addDevice(server: TestServer, user: TestUser, name = "phone"): Promise<TestDevice> {
  const keys = await signatureKeys();
  const response = await api(server, "POST", "/e2ee/devices", {
    token: user.token,
    body: { signaturePublicKey: keys.signaturePublicKey, name },
  });
  if (response.status !== 201) throw new Error(`device registration failed: ${response.status} ${response.text}`);
  return { id: response.body.id, user, keys };
}

export const packageOf = (device: TestDevice) => keyPackage(device.keys, { userId: device.user.id, deviceId: device.id });

/** Uploads `count` fresh one-time key packages (and a last-resort one if asked); resolves with them. */
export async function stock(
  server: TestServer,
  device: TestDevice,
  count: number,
  lastResort = false,
): Promise<{ oneTime: TestKeyPackage[]; lastResort?: TestKeyPackage }> {
  const oneTime = await Promise.all(Array.from({ length: count }, () => packageOf(device)));
  const last = lastResort ? await packageOf(device) : undefined;
  const response = await api(server, "POST", `/e2ee/devices/${device.id}/key-packages`, {
    token: device.user.token,
    body: { keyPackages: oneTime.map((kp) => kp.data), lastResort: last?.data },
  });
  if (response.status !== 200) throw new Error(`upload failed: ${response.status} ${response.text}`);
  return { oneTime, lastResort: last };
}

export const claim = (server: TestServer, user: TestUser, body: { userId: number; deviceIds?: number[] }) =>
  api(server, "POST", "/e2ee/key-packages/claim", { token: user.token, body });

/** The key package behind a claimed one (to put into an MLS commit). */
export function claimedPackage(packages: TestKeyPackage[], data: string): TestKeyPackage {
  const found = packages.find((kp) => kp.data === data);
  if (!found) throw new Error("claimed a key package that was never uploaded");
  return found;
}

/**
 * Four new users for one test: alice is friends with bob and with carol; bob and carol are not
 * friends; eve knows nobody.
 */
export async function cast(server: TestServer): Promise<{ alice: TestUser; bob: TestUser; carol: TestUser; eve: TestUser }> {
  const [alice, bob, carol, eve] = await Promise.all([
    registerUser(server, "alice"),
    registerUser(server, "bob"),
    registerUser(server, "carol"),
    registerUser(server, "eve"),
  ]);
  await Promise.all([befriend(server, alice, bob), befriend(server, alice, carol)]);
  return { alice, bob, carol, eve };
}
