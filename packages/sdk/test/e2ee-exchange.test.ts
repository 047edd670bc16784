import { dumpDatabase, findSecret } from "@hestia/server/testing";
import { describe, expect, it, vi } from "vitest";
import * as mls from "../src/e2ee/mls";
import { e2eeSuite, marker, texts } from "./e2ee";
import { makeFriends, signUp } from "./setup";

const suite = e2eeSuite();
const { enabledUser } = suite;

describe("end-to-end encryption", () => {
  it("two and three clients exchange DMs and group messages that the server, its logs and pushes never see", async () => {
    const secret = marker();
    const [alice, bob, carol] = await Promise.all([enabledUser("alice"), enabledUser("bob"), enabledUser("carol")]);
    // Dave uses no encryption and is offline with a push token: he sees that messages are encrypted, and gets pushes.
    const dave = await signUp(suite.server, "dave");
    await dave.client.users.setFcmToken("dave-phone");
    await Promise.all([makeFriends(alice, bob), makeFriends(alice, carol), makeFriends(alice, dave), makeFriends(bob, carol)]);

    const sent = await alice.client.e2ee.sendDM(bob.id, `hello bob ${secret}`);
    expect(sent).toMatchObject({
      text: `hello bob ${secret}`,
      peerUserId: bob.id,
      sender: { userId: alice.id, deviceId: alice.client.e2ee.deviceId },
    });
    await vi.waitFor(() => expect(texts(bob)).toEqual([`hello bob ${secret}`]), { timeout: 10_000 });
    expect(bob.received[0]).toMatchObject({
      id: sent.id,
      peerUserId: alice.id,
      sender: { userId: alice.id, deviceId: alice.client.e2ee.deviceId, username: alice.username },
    });
    await bob.client.e2ee.sendDM(alice.id, `hello alice ${secret}`);
    await vi.waitFor(() => expect(texts(alice)).toEqual([`hello alice ${secret}`]), { timeout: 10_000 });

    // What a plain client reads: an encrypted message, no content.
    const history = await bob.client.dms.history(alice.id);
    expect(history.map((message) => [message.encrypted, message.content])).toEqual([
      [true, null],
      [true, null],
    ]);
    expect(history[0]!.ciphertext).toMatch(/^[A-Za-z0-9+/]+=*$/);

    const group = await alice.client.e2ee.createGroup({ name: "Book club", members: [bob.id, carol.id, dave.id] });
    expect(group.encrypted).toBe(true);
    await alice.client.e2ee.sendGroupMessage(group.id, `to the club ${secret}`);
    await carol.client.e2ee.sendGroupMessage(group.id, `carol here ${secret}`);
    await vi.waitFor(() => expect(texts(bob)).toEqual([`hello bob ${secret}`, `to the club ${secret}`, `carol here ${secret}`]), {
      timeout: 10_000,
    });
    await vi.waitFor(() => expect(texts(carol)).toEqual([`to the club ${secret}`]), { timeout: 10_000 });
    await vi.waitFor(() => expect(texts(alice)).toEqual([`hello alice ${secret}`, `carol here ${secret}`]), { timeout: 10_000 });
    expect(carol.received[0]).toMatchObject({ groupId: group.id, sender: { userId: alice.id } });

    // A plain send to an encrypted group is refused.
    await expect(alice.client.groups.sendMessage(group.id, { content: "in the clear" })).rejects.toMatchObject({ status: 400 });

    await suite.server.app.deps.push.idle();
    const pushes = suite.fcm.sends().filter((push) => push.token === "dave-phone");
    expect(pushes.length).toBe(2);
    expect(pushes[0]!.notification).toEqual({ title: `${alice.username} in Book club`, body: "New encrypted message" });

    for (const [where, text] of [
      ["database", await dumpDatabase(suite.server)],
      ["logs", suite.logs.text()],
      ["pushes", JSON.stringify(suite.fcm.requests)],
    ] as const) {
      expect({ where, found: findSecret(text, secret) }).toEqual({ where, found: [] });
    }
    // The scan itself finds the marker in each form it looks for.
    expect(findSecret(`x${Buffer.from(`..${secret}..`).toString("base64")}x`, secret)).toContain("base64 (decoded)");
    expect(findSecret(Buffer.from(secret).toString("hex"), secret)).toContain("hex");
    // The logs did record the traffic: every request and socket event, without bodies.
    expect(suite.logs.text()).toContain(`"path":"/groups/${group.id}/messages"`);
    expect(suite.logs.text()).toContain(`"path":"/e2ee/conversations/${group.id}/commits"`);
    expect(alice.errors.concat(bob.errors, carol.errors)).toEqual([]);
  });

  it("a removed member cannot decrypt what is sent after the removal", async () => {
    const [alice, bob, carol] = await Promise.all([enabledUser("alice"), enabledUser("bob"), enabledUser("carol")]);
    await Promise.all([makeFriends(alice, bob), makeFriends(alice, carol)]);
    const group = await alice.client.e2ee.createGroup({ name: "Plans", members: [bob.id, carol.id] });
    await alice.client.e2ee.sendGroupMessage(group.id, "before");
    await vi.waitFor(() => expect(texts(carol)).toEqual(["before"]), { timeout: 10_000 });

    await alice.client.e2ee.removeMember(group.id, carol.id);
    expect((await alice.client.groups.get(group.id)).members.map((member) => member.id).sort()).toEqual([alice.id, bob.id].sort());
    const after = await alice.client.e2ee.sendGroupMessage(group.id, "after the removal");
    await vi.waitFor(() => expect(texts(bob)).toEqual(["before", "after the removal"]), { timeout: 10_000 });

    // Carol's device, given the ciphertext anyway, cannot read it with the group state it kept.
    const [stored] = await bob.client.groups.messages(group.id, { limit: 1 });
    expect(stored!.id).toBe(after.id);
    const carolState = JSON.parse((await carol.storage.get(`hestia-e2ee.${carol.id}.conversation.${group.id}`))!) as { state: string };
    expect(await mls.decrypt(mls.decodeGroup(carolState.state), stored!.ciphertext!)).toMatchObject({ ok: false });
    await expect(carol.client.groups.messages(group.id)).rejects.toMatchObject({ status: 404 });
    expect(texts(carol)).toEqual(["before"]);
  });
});
