import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import * as mls from "../src/e2ee/mls";
import { createClient, memoryStorage } from "../src/index";
import { fileStorage } from "../src/node";
import { e2eeSuite, texts } from "./e2ee";
import { makeFriends, signUp } from "./setup";

const suite = e2eeSuite();
const { enabledUser, secondDevice } = suite;
const directories: string[] = [];
afterAll(() => {
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
});

describe("end-to-end encryption", () => {
  it("a user's second device receives what is sent after it joined", async () => {
    const [alice, bob] = await Promise.all([enabledUser("alice"), enabledUser("bob")]);
    await makeFriends(alice, bob);
    await alice.client.e2ee.sendDM(bob.id, "only for the first device");
    await vi.waitFor(() => expect(texts(bob)).toEqual(["only for the first device"]), { timeout: 10_000 });

    // The new tablet can write at once: an online device of the conversation adds it as soon as it is registered.
    const bobTablet = await secondDevice(bob);
    expect(bobTablet.client.e2ee.deviceId).not.toBe(bob.client.e2ee.deviceId);
    await bobTablet.client.e2ee.sendDM(alice.id, "from the tablet");
    await vi.waitFor(() => expect(texts(alice)).toEqual(["from the tablet"]), { timeout: 10_000 });
    // The tablet's sends reach the phone too, as the same user's other device.
    await vi.waitFor(() => expect(texts(bob)).toEqual(["only for the first device", "from the tablet"]), { timeout: 10_000 });
    expect(bob.received[1]!.sender).toMatchObject({ userId: bob.id, deviceId: bobTablet.client.e2ee.deviceId });
    await alice.client.e2ee.sendDM(bob.id, "for both devices");
    await vi.waitFor(() => expect(texts(bobTablet)).toEqual(["for both devices"]), { timeout: 10_000 });
    await vi.waitFor(() => expect(texts(bob)).toEqual(["only for the first device", "from the tablet", "for both devices"]), {
      timeout: 10_000,
    });
    const numberWithTablet = await alice.client.e2ee.safetyNumber(bob.id);
    expect(numberWithTablet).toBe(await bob.client.e2ee.safetyNumber(alice.id));

    // The tablet is lost: the phone removes it, and it reads nothing sent afterwards.
    expect((await bob.client.e2ee.devices()).map((device) => device.id).sort()).toEqual(
      [bob.client.e2ee.deviceId, bobTablet.client.e2ee.deviceId].sort(),
    );
    await bob.client.e2ee.removeDevice(bobTablet.client.e2ee.deviceId!);
    expect((await bob.client.e2ee.devices()).map((device) => device.id)).toEqual([bob.client.e2ee.deviceId]);
    const afterLoss = await alice.client.e2ee.sendDM(bob.id, "after the tablet was lost");
    await vi.waitFor(() => expect(texts(bob).at(-1)).toBe("after the tablet was lost"), { timeout: 10_000 });
    const tabletState = JSON.parse((await bobTablet.storage.get(`hestia-e2ee.${bob.id}.conversation.${afterLoss.conversationId}`))!) as {
      state: string;
    };
    const [stored] = await alice.client.dms.history(bob.id, { limit: 1 });
    expect(await mls.decrypt(mls.decodeGroup(tabletState.state), stored!.ciphertext!)).toMatchObject({ ok: false });
    expect(texts(bobTablet)).toEqual(["for both devices"]);
    // Its sessions were signed out: the lost tablet cannot come back, not even as a new device.
    const comeback = createClient({ baseUrl: suite.server.url, token: bobTablet.client.token, e2ee: { storage: memoryStorage() } });
    await expect(comeback.e2ee.enable()).rejects.toMatchObject({ status: 401 });
    // The safety number changed with the devices.
    expect(await alice.client.e2ee.safetyNumber(bob.id)).not.toBe(numberWithTablet);
  });

  it("a device removed but still signed in starts over as a new device, without its old state", async () => {
    const [alice, bob] = await Promise.all([enabledUser("alice"), enabledUser("bob")]);
    await makeFriends(alice, bob);
    const tablet = await secondDevice(bob);
    await alice.client.e2ee.sendDM(bob.id, "before");
    await vi.waitFor(() => expect(texts(tablet)).toEqual(["before"]), { timeout: 10_000 });
    const oldId = tablet.client.e2ee.deviceId;
    await bob.client.e2ee.removeDevice(oldId!, { signOutEverywhere: false });
    tablet.client.realtime.disconnect();

    const again = await secondDevice(bob, tablet.storage);
    expect(again.client.e2ee.deviceId).not.toBe(oldId);
    await alice.client.e2ee.sendDM(bob.id, "after");
    await vi.waitFor(() => expect(texts(again)).toEqual(["after"]), { timeout: 10_000 });
    expect(again.errors).toEqual([]);
  });

  it("a device restarted from its storage keeps decrypting and sending", async () => {
    const directory = mkdtempSync(join(tmpdir(), "hestia-e2ee-"));
    directories.push(directory);
    const [alice, bob] = await Promise.all([enabledUser("alice"), enabledUser("bob", fileStorage(directory))]);
    await makeFriends(alice, bob);
    await alice.client.e2ee.sendDM(bob.id, "one");
    await vi.waitFor(() => expect(texts(bob)).toEqual(["one"]), { timeout: 10_000 });
    const deviceId = bob.client.e2ee.deviceId;
    bob.client.realtime.disconnect();

    // Written while Bob's app is closed.
    await alice.client.e2ee.sendDM(bob.id, "two");
    await alice.client.e2ee.sendDM(bob.id, "three");

    const restarted = await secondDevice(bob, fileStorage(directory));
    expect(restarted.client.e2ee.deviceId).toBe(deviceId);
    await vi.waitFor(() => expect(texts(restarted)).toEqual(["two", "three"]), { timeout: 10_000 });
    await restarted.client.e2ee.sendDM(alice.id, "back again");
    await alice.client.e2ee.sendDM(bob.id, "four");
    await vi.waitFor(() => expect(texts(alice)).toEqual(["back again"]), { timeout: 10_000 });
    await vi.waitFor(() => expect(texts(restarted)).toEqual(["two", "three", "four"]), { timeout: 10_000 });
    expect(restarted.errors).toEqual([]);
  });

  it("asks for storage before doing anything", async () => {
    const user = await signUp(suite.server, "plain");
    await expect(user.client.e2ee.enable()).rejects.toMatchObject({ code: "E2EE_NOT_READY" });
  });
});
